import { createAlowareClient } from '@df/aloware-client';
import { loadOrExit } from '@df/env';
import { createSharedGhlClient } from '@df/ghl-store';
import { stopOnSignals } from '@df/kafka';
import { connectInfrastructure } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { loadContactSyncSettings } from './config.ts';
import { startContactSync } from './service.ts';
import { createContactTools } from './tools.ts';

/** contact-sync as its own process (per-service deployment); scale by running more of them. */
const settings = loadOrExit('contact-sync', () => loadContactSyncSettings(process.env));
const log = createLogger({ service: 'contact-sync' }, { level: settings.infrastructure.logLevel });
const aloware = createAlowareClient(settings.aloware);
const infra = connectInfrastructure({ ...settings.infrastructure, clientId: 'contact-sync', log });
// The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl });
const tools = createContactTools(ghl, aloware, {
  alowareIdFieldKey: 'aloware_contact_id',
  smsOptOutTag: settings.contactSync.smsOptOutTag,
});
const service = await startContactSync(infra, tools, settings.contactSync);
log.info('contact-sync consuming');
stopOnSignals([service.stop, () => infra.db.destroy()], (message) => log.info(message));
