import { describe, expect, it } from 'vitest';
import { call, expectValidResponse, provider, sim, useGhlSimulator } from './ghl-contract-harness.ts';

// How a provider records a text GHL did not send: the contract's choices (ghl-api.md §3.4, §3.5).
useGhlSimulator();

async function conversationOf(phone: string) {
  const contact = sim.seedContact({ firstName: 'Imp', phone }, { silent: true });
  const conv = await call('POST', '/conversations/', { locationId: sim.locationId, contactId: contact.id });
  return { contactId: contact.id, conversationId: (conv.body.conversation as { id: string }).id };
}

describe('GHL simulator: importing texts sent elsewhere', () => {
  it('the inbound import with direction "outbound" records an outbound text without sending it', async () => {
    const { contactId, conversationId } = await conversationOf('+12025550301');
    const token = sim.issueOAuthTokens().accessToken;
    const providerCalls = provider.received.length;
    const imported = await call(
      'POST',
      '/conversations/messages/inbound',
      {
        type: 'SMS',
        conversationId,
        contactId,
        conversationProviderId: sim.conversationProviderId,
        message: 'sent from the texting app',
        altId: 'msg_ext_1',
        direction: 'outbound',
      },
      { token },
    );
    expect(imported.status).toBe(200);
    expectValidResponse('conversations', 'POST', '/conversations/messages/inbound', imported);
    const message = sim.messages().find((m) => m.id === imported.body.messageId);
    expect(message).toMatchObject({ direction: 'outbound', altId: 'msg_ext_1', status: 'sent' });
    // Nothing was handed to the provider to send.
    expect(provider.received.length).toBe(providerCalls);
    const status = await call(
      'PUT',
      `/conversations/messages/${imported.body.messageId}/status`,
      { status: 'delivered' },
      { token },
    );
    expect(status.status).toBe(200);
  });

  it('a direction that is neither "inbound" nor "outbound" is refused', async () => {
    const { contactId, conversationId } = await conversationOf('+12025550302');
    const token = sim.issueOAuthTokens().accessToken;
    const body = { type: 'SMS', conversationId, contactId, direction: 'sideways' };
    const refused = await call('POST', '/conversations/messages/inbound', body, { token });
    expect(refused.status).toBe(422);
  });

  it('"Add an external outbound call" admits only calls: an SMS there is refused', async () => {
    const { conversationId } = await conversationOf('+12025550303');
    const token = sim.issueOAuthTokens().accessToken;
    const base = { conversationId, conversationProviderId: sim.conversationProviderId };
    const sms = await call('POST', '/conversations/messages/outbound', { ...base, type: 'SMS' }, { token });
    expect(sms.status).toBe(422);
    const callLog = {
      ...base,
      type: 'Call',
      call: { to: '+12025550303', from: '+12025550100', status: 'completed' },
    };
    const logged = await call('POST', '/conversations/messages/outbound', callLog, { token });
    expect(logged.status).toBe(200);
    expectValidResponse('conversations', 'POST', '/conversations/messages/outbound', logged);
    expect(sim.messages().find((m) => m.id === logged.body.messageId)).toMatchObject({
      direction: 'outbound',
      channel: 'Call',
    });
  });
});
