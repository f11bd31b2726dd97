/** Aloware's webhook envelope, wire names, auth header and subscription filter, queued for delivery. */
import { type AlowareEventName, CONTACT_EVENTS } from './constants.ts';
import type { JsonObject } from './fixtures.ts';
import type { AlowareState } from './state.ts';

export type WebhookOut = ReturnType<typeof webhookOut>;

export function webhookOut(st: AlowareState) {
  const { options, subscribed, queue } = st;
  // ---------------------------------------------------------------- webhooks
  function wireName(event: string): string {
    if (!(CONTACT_EVENTS as readonly string[]).includes(event)) return event;
    const naming = options.contactEventNaming ?? 'dashed';
    if (naming === 'dashed') return event;
    const words = event.split('-');
    return naming === 'spaced' ? words.join(' ') : words.join('');
  }

  function authHeader(): Record<string, string> {
    if (st.webhookAuth.type === 'basic') {
      const encoded = Buffer.from(`${st.webhookAuth.username}:${st.webhookAuth.password}`).toString('base64');
      return { Authorization: `Basic ${encoded}` };
    }
    if (st.webhookAuth.type === 'bearer') return { Authorization: `Bearer ${st.webhookAuth.token}` };
    return {};
  }

  function emit(event: AlowareEventName, body: JsonObject): void {
    if (event !== 'test_payload' && subscribed && !subscribed.has(event)) return;
    const envelope = event === 'test_payload' ? body : { body, event: wireName(event) };
    queue.enqueue({
      event,
      url: st.webhookUrl,
      body: envelope,
      delayMs: options.webhookDelayMs,
      headers: () => ({
        'Content-Type': 'application/json',
        'User-Agent': 'GuzzleHttp/7',
        'Accept-Encoding': 'gzip',
        ...authHeader(),
      }),
    });
  }
  return { wireName, authHeader, emit };
}
