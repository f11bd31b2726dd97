/**
 * Standalone Aloware simulator: `npx tsx packages/simulators/src/aloware/main.ts`.
 *
 * Environment: ALOWARE_SIM_PORT (default 4020), ALOWARE_SIM_HOST (127.0.0.1), ALOWARE_API_TOKEN
 * (TEST-TOKEN-0001), ALOWARE_WEBHOOK_URL, and the receiver's auth: ALOWARE_WEBHOOK_BASIC_USER +
 * ALOWARE_WEBHOOK_BASIC_PASSWORD, or ALOWARE_WEBHOOK_BEARER_TOKEN. Drive it through `/__sim` (see control.ts).
 */
import { startAlowareSimulator } from './simulator.ts';
import type { WebhookAuth } from './types.ts';

const env = process.env;
const auth: WebhookAuth = env.ALOWARE_WEBHOOK_BEARER_TOKEN
  ? { type: 'bearer', token: env.ALOWARE_WEBHOOK_BEARER_TOKEN }
  : env.ALOWARE_WEBHOOK_BASIC_USER
    ? {
        type: 'basic',
        username: env.ALOWARE_WEBHOOK_BASIC_USER,
        password: env.ALOWARE_WEBHOOK_BASIC_PASSWORD ?? '',
      }
    : { type: 'none' };

const sim = await startAlowareSimulator({
  port: Number(env.ALOWARE_SIM_PORT ?? 4020),
  host: env.ALOWARE_SIM_HOST ?? '127.0.0.1',
  apiToken: env.ALOWARE_API_TOKEN || undefined,
  webhookUrl: env.ALOWARE_WEBHOOK_URL || undefined,
  webhookAuth: auth,
});
// Only addresses are printed, never the token or the receiver's credentials.
console.log(`Aloware simulator: API ${sim.apiUrl}, control ${sim.url}/__sim, webhook auth ${auth.type}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
