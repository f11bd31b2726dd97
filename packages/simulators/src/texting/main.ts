/**
 * Standalone texting-system simulator: `npx tsx packages/simulators/src/texting/main.ts`.
 *
 * Environment: TEXTING_SIM_PORT (default 4030), TEXTING_SIM_HOST (127.0.0.1), TEXTING_API_KEY
 * (texting-test-key), TEXTING_WEBHOOK_URL, TEXTING_WEBHOOK_HMAC_SECRET and/or TEXTING_WEBHOOK_SHARED_SECRET.
 * Drive it through `/__sim` (see control.ts).
 */
import { loadOrExit } from '@df/env';
import { textingSimOptions } from '../config.ts';
import { startTextingSimulator } from './simulator.ts';

const options = loadOrExit('texting simulator', () => textingSimOptions(process.env));
const sim = await startTextingSimulator(options);
const modes = [options.signing?.hmacSecret && 'hmac', options.signing?.sharedSecret && 'shared-secret'];
console.log(
  `Texting simulator: API ${sim.url}/api/integrations/df-middleware/send-message, control ${sim.url}/__sim, ` +
    `webhook auth ${modes.filter(Boolean).join('+') || 'none'}`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
