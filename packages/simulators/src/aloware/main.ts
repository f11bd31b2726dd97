/**
 * Standalone Aloware simulator: `npx tsx packages/simulators/src/aloware/main.ts`.
 *
 * Environment: ALOWARE_SIM_PORT (default 4020), ALOWARE_SIM_HOST (127.0.0.1), ALOWARE_API_TOKEN
 * (TEST-TOKEN-0001), ALOWARE_WEBHOOK_URL, and the receiver's auth: ALOWARE_WEBHOOK_BASIC_USER +
 * ALOWARE_WEBHOOK_BASIC_PASS (the ingress's name), or ALOWARE_WEBHOOK_BEARER_TOKEN. Drive it through `/__sim`
 * (see control.ts).
 */
import { loadOrExit } from '@df/env';
import { alowareSimOptions } from '../config.ts';
import { startAlowareSimulator } from './simulator.ts';

const options = loadOrExit('Aloware simulator', () => alowareSimOptions(process.env));
const sim = await startAlowareSimulator(options);
// Only addresses are printed, never the token or the receiver's credentials.
console.log(
  `Aloware simulator: API ${sim.apiUrl}, control ${sim.url}/__sim, webhook auth ${options.webhookAuth.type}`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
