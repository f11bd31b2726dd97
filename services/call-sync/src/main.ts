import { createGhlClient } from '@df/ghl-client';
import { stopOnSignals } from '@df/kafka';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { DEFAULT_FLUSH_CONFIG, startCallSync } from './service.ts';
import { createCallTools } from './tools.ts';

/** call-sync as its own process (per-service deployment). */
const log = createLogger({ service: 'call-sync' });
const { GHL_LOCATION_ID, GHL_API_KEY } = process.env;
if (!GHL_LOCATION_ID || !GHL_API_KEY) {
  log.error('GHL_LOCATION_ID and GHL_API_KEY must be set');
  process.exit(1);
}
const ghl = createGhlClient({
  locationId: GHL_LOCATION_ID,
  auth: { type: 'pit', token: GHL_API_KEY },
  baseUrl: process.env.GHL_BASE_URL,
});
const infra = infrastructureFromEnv('call-sync', log);
const service = await startCallSync(infra, createCallTools(ghl), {
  ...DEFAULT_FLUSH_CONFIG,
  timeZone: process.env.CALL_NOTE_TIME_ZONE ?? DEFAULT_FLUSH_CONFIG.timeZone,
});
log.info('call-sync consuming');
stopOnSignals([service.stop, () => infra.db.destroy()], (message) => log.info(message));
