import { createAlowareClient } from '@df/aloware-client';
import { loadOrExit } from '@df/env';
import { createSharedGhlClient } from '@df/ghl-store';
import { stopOnSignals } from '@df/kafka';
import { connectInfrastructure } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { loadListSyncSettings } from './config.ts';
import { startListSync } from './service.ts';
import { createListTools } from './tools.ts';

/** list-sync as its own process (per-service deployment); scale by running more of them. */
const settings = loadOrExit('list-sync', () => loadListSyncSettings(process.env));
const log = createLogger({ service: 'list-sync' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({ ...settings.infrastructure, clientId: 'list-sync', log });
// The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl });
const tools = createListTools(ghl, createAlowareClient(settings.aloware));
const service = await startListSync(infra, tools, settings.listSync);
log.info('list-sync consuming', { rules: settings.listSync.rules.length });
stopOnSignals([service.stop, () => infra.db.destroy()], (message) => log.info(message));
