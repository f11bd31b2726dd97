import { createAlowareClient } from '@df/aloware-client';
import { sharedRateLimiter } from '@df/ghl-store';
import { runService } from '@df/service-runtime';
import { createBulkGhlClient } from './bulk-client.ts';
import { loadBackfillSettings } from './config.ts';
import { startBackfill } from './service.ts';

/**
 * The backfill service as its own process: the location's GHL budget is the one in Postgres all services share.
 * Health and metrics on OPS_PORT (9107). Topics and schemas: `npm run provision`.
 */
await runService({
  name: 'backfill',
  settings: loadBackfillSettings,
  async start({ settings, infra, metrics, log }) {
    const ghl = createBulkGhlClient({
      db: infra.db,
      ...settings.ghl,
      locationLimiter: sharedRateLimiter(infra.db, settings.ghl.locationId),
      share: settings.backfill.share,
      onCall: (info) => metrics.ghlCall(info),
    });
    const aloware = createAlowareClient(settings.aloware);
    const service = await startBackfill(infra, { ghl, aloware }, settings.backfill, { metrics });
    log.info('backfill consuming its commands', { share: settings.backfill.share });
    return service;
  },
});
