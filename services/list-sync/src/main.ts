import { createAlowareClient } from '@df/aloware-client';
import { createSharedGhlClient } from '@df/ghl-store';
import { runService } from '@df/service-runtime';
import { loadListSyncSettings } from './config.ts';
import { startListSync } from './service.ts';
import { createListTools } from './tools.ts';

/**
 * list-sync as its own process; scale by running more of them. Health and metrics on OPS_PORT (9103).
 * Topics and schemas: `npm run provision`.
 */
await runService({
  name: 'list-sync',
  settings: loadListSyncSettings,
  async start({ settings, infra, metrics, log }) {
    // The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
    const ghl = createSharedGhlClient({
      db: infra.db,
      ...settings.ghl,
      onCall: (info) => metrics.ghlCall(info),
    });
    const tools = createListTools(ghl, createAlowareClient(settings.aloware));
    const service = await startListSync(infra, tools, settings.listSync, { metrics });
    log.info('list-sync consuming', { rules: settings.listSync.rules.length });
    return service;
  },
});
