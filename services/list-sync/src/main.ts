import { createAlowareClient } from '@df/aloware-client';
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
import { loadListSyncSettings } from './config.ts';
import { startListSync } from './service.ts';
import { createListTools } from './tools.ts';

/**
 * list-sync as its own process; scale by running more of them. Health and metrics on OPS_PORT (9103).
 * Topics and schemas: `npm run provision`.
 */
const { service: settings, ops } = loadOrExit('list-sync', () =>
  loadSettings({
    service: () => loadListSyncSettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS['list-sync']),
  }),
);
const log = createLogger({ service: 'list-sync' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({
  ...settings.infrastructure,
  clientId: 'list-sync',
  log,
  credentials: ops.credentials,
});
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const server = await serveOps('list-sync', ops, infra, [metrics.registry]);
// The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl, onCall: (info) => metrics.ghlCall(info) });
const tools = createListTools(ghl, createAlowareClient(settings.aloware));
const service = await startListSync(infra, tools, settings.listSync, { metrics });
log.info('list-sync consuming', { rules: settings.listSync.rules.length });
stopOnSignals([service.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
