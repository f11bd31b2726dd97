/**
 * Standalone texting-system simulator: `npx tsx packages/simulators/src/texting/main.ts`.
 *
 * Environment: TEXTING_SIM_PORT (default 4030), TEXTING_SIM_HOST (127.0.0.1), TEXTING_API_KEY
 * (texting-test-key), TEXTING_WEBHOOK_URL, TEXTING_WEBHOOK_HMAC_SECRET and/or TEXTING_WEBHOOK_SHARED_SECRET.
 * Drive it through `/__sim` (see control.ts).
 */
import { startTextingSimulator } from './simulator.ts';

const env = process.env;
const sim = await startTextingSimulator({
  port: Number(env.TEXTING_SIM_PORT ?? 4030),
  host: env.TEXTING_SIM_HOST ?? '127.0.0.1',
  apiKey: env.TEXTING_API_KEY || undefined,
  webhookUrl: env.TEXTING_WEBHOOK_URL || undefined,
  signing: {
    hmacSecret: env.TEXTING_WEBHOOK_HMAC_SECRET || undefined,
    sharedSecret: env.TEXTING_WEBHOOK_SHARED_SECRET || undefined,
  },
});
const modes = [
  env.TEXTING_WEBHOOK_HMAC_SECRET && 'hmac',
  env.TEXTING_WEBHOOK_SHARED_SECRET && 'shared-secret',
];
console.log(
  `Texting simulator: API ${sim.url}/api/integrations/df-middleware/send-message, control ${sim.url}/__sim, ` +
    `webhook auth ${modes.filter(Boolean).join('+') || 'none'}`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
