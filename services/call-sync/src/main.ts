import { loadOrExit } from '@df/env';
import { createSharedGhlClient } from '@df/ghl-store';
import { stopOnSignals } from '@df/kafka';
import {
  connectInfrastructure,
  createServiceMetrics,
  loadOpsSettings,
  loadSettings,
  OPS_PORTS,
  serveOps,
} from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { loadCallSyncSettings } from './config.ts';
import { DEFAULT_FLUSH_CONFIG, startCallSync } from './service.ts';
import { createCallTools } from './tools.ts';

/** call-sync as its own process: health and metrics on OPS_PORT (9102). Topics and schemas: `npm run provision`. */
const { service: settings, ops } = loadOrExit('call-sync', () =>
  loadSettings({
    service: () => loadCallSyncSettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS['call-sync']),
  }),
);
const log = createLogger({ service: 'call-sync' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({
  ...settings.infrastructure,
  clientId: 'call-sync',
  log,
  credentials: ops.credentials,
});
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const server = await serveOps('call-sync', ops, infra, [metrics.registry]);
// The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl, onCall: (info) => metrics.ghlCall(info) });
const service = await startCallSync(
  infra,
  createCallTools(ghl),
  { ...DEFAULT_FLUSH_CONFIG, timeZone: settings.callNoteTimeZone },
  metrics,
);
log.info('call-sync consuming');
stopOnSignals([service.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
