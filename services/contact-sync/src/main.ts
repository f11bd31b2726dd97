import { createAlowareClient } from '@df/aloware-client';
import { createGhlClient } from '@df/ghl-client';
import { stopOnSignals } from '@df/kafka';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { startContactSync } from './service.ts';
import { createContactTools } from './tools.ts';

/** contact-sync as its own process (per-service deployment); scale by running more of them. */
const log = createLogger({ service: 'contact-sync' });
const required = (name: string) => {
  const value = process.env[name];
  if (!value) {
    log.error(`${name} is not set`);
    process.exit(1);
  }
  return value;
};
const ghl = createGhlClient({
  locationId: required('GHL_LOCATION_ID'),
  auth: { type: 'pit', token: required('GHL_API_KEY') },
  baseUrl: process.env.GHL_BASE_URL,
});
const aloware = createAlowareClient({
  baseUrl: process.env.ALOWARE_BASE_URL ?? 'https://app.aloware.com',
  apiToken: required('ALOWARE_API_TOKEN'),
});
const infra = infrastructureFromEnv('contact-sync', log);
const service = await startContactSync(infra, createContactTools(ghl, aloware));
log.info('contact-sync consuming');
stopOnSignals([service.stop, () => infra.db.destroy()], (message) => log.info(message));
