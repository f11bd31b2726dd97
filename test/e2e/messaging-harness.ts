/**
 * What the messaging end-to-end tests share: a system with the marketplace app installed, a GHL agent's send,
 * and messaging-relay's outcomes by reason.
 */
import { loadSystemConfig } from '@df/all-in-one';
import { expect } from 'vitest';
import { startTestSystem, type TestSystem } from './system-harness.ts';

/**
 * A system on `GHL_AUTH=oauth` (plus `env`), the app installed through /oauth/callback: the custom provider's calls
 * need the marketplace app's token. Delivery statuses are retried every 100 ms.
 */
export async function startMessagingSystem(env: Record<string, string> = {}): Promise<TestSystem> {
  const s = await startTestSystem({
    config: loadSystemConfig({ GHL_AUTH: 'oauth', ...env }),
    messagingTools: { statusRetryIntervalMs: 100 },
  });
  try {
    const installed = await fetch(`${s.ingressUrl}/oauth/callback?code=${s.simulators!.ghl.issueAuthCode()}`);
    expect(installed.status).toBe(200);
  } catch (error) {
    await s.stop();
    throw error;
  }
  return s;
}

/** An agent types a text in GHL's conversation (GHL's UI calls this; it triggers the provider webhook). */
export async function agentSends(s: TestSystem, contactId: string, message: string): Promise<string> {
  const ghl = s.simulators!.ghl;
  const res = await fetch(`${ghl.url}/conversations/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ghl.pitToken}`,
      version: '2021-04-15',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ type: 'SMS', contactId, message }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messageId: string }).messageId;
}

/** An agent changes a contact's SMS DND in GHL's UI (not the middleware). */
export async function agentSetsSmsDnd(s: TestSystem, contactId: string, status: 'active' | 'inactive') {
  const ghl = s.simulators!.ghl;
  const res = await fetch(`${ghl.url}/contacts/${contactId}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${ghl.pitToken}`,
      version: '2021-07-28',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ dndSettings: { SMS: { status } } }),
  });
  expect(res.status).toBe(200);
}

export const relayLog = (s: TestSystem, reason: string) =>
  s.database.db
    .selectFrom('sync_log')
    .select(['status', 'target_id', 'entity_id', 'event_id'])
    .where('service', '=', 'messaging-relay')
    .where('error_message', '=', reason)
    .execute();

export const optedOut = (s: TestSystem, phone: string) =>
  s.database.db
    .selectFrom('messaging_consent')
    .select(['opted_out', 'kind'])
    .where('phone', '=', phone)
    .executeTakeFirst();
