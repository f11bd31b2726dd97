/** What the relay's handler tests need of the simulated GHL: an OAuth client, and an agent's text typed in GHL. */
import { createGhlClient, type GhlClient, InMemoryGhlTokenStore } from '@df/ghl-client';
import type { GhlSimulator } from '@df/simulators';

/** A client of the simulator's location on freshly minted OAuth tokens (conversation providers need OAuth). */
export async function oauthGhlClient(ghl: GhlSimulator): Promise<GhlClient> {
  const store = new InMemoryGhlTokenStore();
  const minted = ghl.issueOAuthTokens();
  await store.save(ghl.locationId, {
    accessToken: minted.accessToken,
    refreshToken: minted.refreshToken,
    expiresAt: Date.now() + minted.expiresIn * 1000,
  });
  const { clientId, clientSecret } = ghl.oauthClient;
  return createGhlClient({
    locationId: ghl.locationId,
    baseUrl: ghl.url,
    auth: { type: 'oauth', clientId, clientSecret, store },
  });
}

/** An agent types a text in GHL's conversation (GHL's UI calls this; it triggers the provider webhook). */
export async function agentSendsInGhl(
  ghl: GhlSimulator,
  contactId: string,
  message: string,
): Promise<string> {
  const res = await fetch(`${ghl.url}/conversations/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ghl.pitToken}`,
      version: '2021-04-15',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ type: 'SMS', contactId, message }),
  });
  const { messageId } = (await res.json()) as { messageId: string };
  return messageId;
}
