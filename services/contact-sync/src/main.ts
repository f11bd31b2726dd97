import { createAlowareClient } from '@df/aloware-client';
import { createSharedGhlClient } from '@df/ghl-store';
import { runService } from '@df/service-runtime';
import { loadContactSyncSettings } from './config.ts';
import { startContactSync } from './service.ts';
import { createContactTools } from './tools.ts';

/**
 * contact-sync as its own process; scale by running more of them. Health and metrics on OPS_PORT (9101).
 * Topics and schemas: `npm run provision`.
 */
await runService({
  name: 'contact-sync',
  settings: loadContactSyncSettings,
  async start({ settings, infra, metrics, log }) {
    // The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
    const ghl = createSharedGhlClient({
      db: infra.db,
      ...settings.ghl,
      onCall: (info) => metrics.ghlCall(info),
    });
    const tools = createContactTools(ghl, createAlowareClient(settings.aloware), {
      alowareIdFieldKey: 'aloware_contact_id',
      smsOptOutTag: settings.contactSync.smsOptOutTag,
    });
    const service = await startContactSync(infra, tools, settings.contactSync, { metrics });
    log.info('contact-sync consuming');
    return service;
  },
});
