import { loadOrExit } from '@df/env';
import { createSharedGhlClient } from '@df/ghl-store';
import { stopOnSignals } from '@df/kafka';
import { connectInfrastructure } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { loadCallSyncSettings } from './config.ts';
import { DEFAULT_FLUSH_CONFIG, startCallSync } from './service.ts';
import { createCallTools } from './tools.ts';

/** call-sync as its own process (per-service deployment). */
const settings = loadOrExit('call-sync', () => loadCallSyncSettings(process.env));
const log = createLogger({ service: 'call-sync' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({ ...settings.infrastructure, clientId: 'call-sync', log });
// The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl });
const service = await startCallSync(infra, createCallTools(ghl), {
  ...DEFAULT_FLUSH_CONFIG,
  timeZone: settings.callNoteTimeZone,
});
log.info('call-sync consuming');
stopOnSignals([service.stop, () => infra.db.destroy()], (message) => log.info(message));
