import { createAlowareClient } from '@df/aloware-client';
import { createGhlClient, type GhlClient, InMemoryGhlTokenStore } from '@df/ghl-client';
import { createRelayTools, startMessagingRelay } from '@df/messaging-relay';
import type { createServiceMetrics, Infrastructure } from '@df/service-runtime';
import type { GhlSimulator } from '@df/simulators';
import { createTextingClient } from '@df/texting-client';
import type { SystemOptions } from './system.ts';
import type { Simulators, ToolEndpoints } from './tools.ts';

/**
 * messaging-relay, when it can work: the custom provider's imports and status updates are refused to a PIT, so
 * it runs with the OAuth app (`GHL_AUTH=oauth`), the provider's id (the simulator's when it stands in) and
 * the texting system's API. Otherwise the process says why it is off. With the simulators on a PIT, `npm start`
 * (`relayAsSimulatedApp`) lets it call the simulated GHL as the installed app, so texts flow end to end locally.
 */
export async function startRelay(
  options: SystemOptions,
  tools: ToolEndpoints,
  simulators: Simulators | null,
  ghl: GhlClient,
  infra: Infrastructure,
  metrics: ReturnType<typeof createServiceMetrics>,
) {
  const { messaging } = options.config;
  const conversationProviderId = messaging.conversationProviderId ?? simulators?.ghl.conversationProviderId;
  const onPit = tools.ghl.auth.type !== 'oauth';
  const asApp = onPit && simulators !== null && options.relayAsSimulatedApp === true;
  const missing = [
    onPit && !asApp && 'GHL_AUTH=oauth',
    !conversationProviderId && 'GHL_CONVERSATION_PROVIDER_ID',
    !tools.texting.baseUrl && 'TEXTING_BASE_URL',
  ].filter(Boolean);
  if (missing.length > 0) {
    options.log.warn('messaging-relay off: the GHL custom provider needs these', {
      missing: missing.join(', '),
    });
    return null;
  }
  const client = asApp ? await simulatedAppClient(simulators!.ghl) : ghl;
  const relayTools = createRelayTools(
    client,
    createTextingClient(tools.texting),
    { conversationProviderId: conversationProviderId!, ...options.messagingTools },
    // Routing rules and HELP replies on Aloware send through its SMS gateway.
    createAlowareClient({ baseUrl: tools.aloware.baseUrl, apiToken: tools.aloware.apiToken }),
  );
  const config = {
    tenant: tools.ghl.locationId,
    helpReply: messaging.helpReply,
    cutOverPendingTenants: messaging.cutOverPendingTenants,
    routes: messaging.routes,
    alowareFrom: messaging.alowareFrom,
  };
  return startMessagingRelay(infra, relayTools, config, { metrics });
}

/** The simulated GHL called as its installed marketplace app: tokens minted by the simulator, kept in memory. */
async function simulatedAppClient(sim: GhlSimulator): Promise<GhlClient> {
  const store = new InMemoryGhlTokenStore();
  const minted = sim.issueOAuthTokens();
  await store.save(sim.locationId, {
    accessToken: minted.accessToken,
    refreshToken: minted.refreshToken,
    expiresAt: Date.now() + minted.expiresIn * 1000,
  });
  const { clientId, clientSecret } = sim.oauthClient;
  return createGhlClient({
    locationId: sim.locationId,
    baseUrl: sim.url,
    auth: { type: 'oauth', clientId, clientSecret, store },
  });
}
