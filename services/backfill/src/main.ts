import { createAlowareClient } from '@df/aloware-client';
import { loadOrExit } from '@df/env';
import { sharedRateLimiter } from '@df/ghl-store';
import { stopOnSignals } from '@df/kafka';
import { connectInfrastructure } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { createBulkGhlClient } from './bulk-client.ts';
import { loadBackfillSettings } from './config.ts';
import { startBackfill } from './service.ts';

/** The backfill service as its own process: the location's GHL budget is the one in Postgres all services share. */
const settings = loadOrExit('backfill', () => loadBackfillSettings(process.env));
const log = createLogger({ service: 'backfill' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({ ...settings.infrastructure, clientId: 'backfill', log });
const ghl = createBulkGhlClient({
  db: infra.db,
  ...settings.ghl,
  locationLimiter: sharedRateLimiter(infra.db, settings.ghl.locationId),
  share: settings.backfill.share,
});
const service = await startBackfill(
  infra,
  { ghl, aloware: createAlowareClient(settings.aloware) },
  settings.backfill,
);
log.info('backfill consuming its commands', { share: settings.backfill.share });
stopOnSignals([service.stop, () => infra.db.destroy()], (message) => log.info(message));
