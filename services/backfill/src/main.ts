import { createAlowareClient } from '@df/aloware-client';
import { loadOrExit } from '@df/env';
import { sharedRateLimiter } from '@df/ghl-store';
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
import { createBulkGhlClient } from './bulk-client.ts';
import { loadBackfillSettings } from './config.ts';
import { startBackfill } from './service.ts';

/**
 * The backfill service as its own process: the location's GHL budget is the one in Postgres all services share.
 * Health and metrics on OPS_PORT (9107). Topics and schemas: `npm run provision`.
 */
const { service: settings, ops } = loadOrExit('backfill', () =>
  loadSettings({
    service: () => loadBackfillSettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS.backfill),
  }),
);
const log = createLogger({ service: 'backfill' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({
  ...settings.infrastructure,
  clientId: 'backfill',
  log,
  credentials: ops.credentials,
});
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const server = await serveOps('backfill', ops, infra, [metrics.registry]);
const ghl = createBulkGhlClient({
  db: infra.db,
  ...settings.ghl,
  locationLimiter: sharedRateLimiter(infra.db, settings.ghl.locationId),
  share: settings.backfill.share,
  onCall: (info) => metrics.ghlCall(info),
});
const service = await startBackfill(
  infra,
  { ghl, aloware: createAlowareClient(settings.aloware) },
  settings.backfill,
  { metrics },
);
log.info('backfill consuming its commands', { share: settings.backfill.share });
stopOnSignals([service.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
