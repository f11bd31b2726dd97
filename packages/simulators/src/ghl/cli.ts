/**
 * Standalone GHL simulator: `npx tsx packages/simulators/src/ghl/cli.ts`.
 *
 * Environment: GHL_SIM_PORT (default 4010), GHL_SIM_HOST (127.0.0.1), GHL_SIM_LOCATION_IDS (comma-separated),
 * GHL_SIM_PIT (the first location's PIT), GHL_SIM_CLIENT_ID / GHL_SIM_CLIENT_SECRET (OAuth app),
 * GHL_SIM_WEBHOOK_URL, GHL_SIM_PROVIDER_WEBHOOK_URL, GHL_SIM_PROVIDER_ID, GHL_SIM_LATENCY_MS,
 * GHL_SIM_ED25519_PRIVATE_KEY + GHL_SIM_RSA_PRIVATE_KEY (PKCS#8 PEM; default: a fresh pair per start).
 * Prints its URL, locations and the webhook public keys (PEM) as JSON on stdout. The printed credentials are the
 * simulator's own test credentials, and only those it generated itself (values given by env are not echoed).
 */
import { loadOrExit } from '@df/env';
import { ghlSimOptions } from '../config.ts';
import { startGhlSimulator } from './server.ts';

const options = loadOrExit('GHL simulator', () => ghlSimOptions(process.env));
const sim = await startGhlSimulator(options);

const generatedPits = Object.fromEntries(
  Object.entries(sim.pitTokens).filter(([, token]) => token !== options.pitToken),
);
process.stdout.write(
  `${JSON.stringify(
    {
      url: sim.url,
      locationIds: sim.locationIds,
      conversationProviderId: sim.conversationProviderId,
      generatedPitTokens: generatedPits,
      ...(!options.oauthClient && { generatedOAuthClient: sim.oauthClient }),
      publicKeys: sim.publicKeys,
    },
    null,
    2,
  )}\n`,
);

const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
