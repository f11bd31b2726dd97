/** The texting system's wire rules: consent keywords, the webhook signature, constant-time key comparison. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { detectConsentKeyword } from '@df/contracts';
import type { TextingSigning } from './types.ts';

const KEYWORD = { opted_out: 'stop', opted_in: 'start', help_requested: 'help' } as const;

/** The whole-message consent keyword of a text: one rule for the middleware and both simulators (guarantee 10). */
export function textingKeyword(body: string): 'stop' | 'start' | 'help' | null {
  const found = detectConsentKeyword(body);
  return found ? KEYWORD[found.action] : null;
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` — the signature the texting system sends. */
export function signTextingBody(secret: string, timestamp: number | string, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function keyEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** A webhook's headers: HMAC over `<timestamp>.<raw body>` and/or the legacy shared secret, as configured. */
export function webhookHeaders(signing: TextingSigning, now: Date, rawBody: string): Record<string, string> {
  const out: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'texting-system/1.0',
  };
  if (signing.hmacSecret) {
    const timestamp = Math.floor(now.getTime() / 1000);
    out['X-Texting-Timestamp'] = String(timestamp);
    out['X-Texting-Signature'] = signTextingBody(signing.hmacSecret, timestamp, rawBody);
  }
  if (signing.sharedSecret) out['X-Texting-Secret'] = signing.sharedSecret;
  return out;
}
