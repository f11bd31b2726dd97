import { createHmac } from 'node:crypto';
import { secretsEqual } from './compare.ts';
import { AuthFailure } from './failure.ts';

export interface TextingAuthConfig {
  /** HMAC secrets of the signed mode; two at once during a rotation. Empty: signed mode off. */
  signingSecrets: string[];
  /** The existing system's `X-Texting-Secret`. Undefined: shared-secret mode off. */
  sharedSecret?: string;
  maxSkewMs: number;
}

/**
 * docs/texting-api.md §1: `X-Texting-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with
 * `X-Texting-Timestamp` in unix seconds, or the shared-secret header. A request carrying a signature is judged
 * by it alone.
 */
export function verifyTextingAuth(
  rawBody: Buffer,
  headers: { signature?: string; timestamp?: string; sharedSecret?: string },
  config: TextingAuthConfig,
  now = Date.now(),
): void {
  if (config.signingSecrets.length === 0 && !config.sharedSecret) throw new AuthFailure('not_configured');
  if (headers.signature && config.signingSecrets.length > 0) {
    const seconds = Number(headers.timestamp);
    if (!Number.isFinite(seconds) || Math.abs(now - seconds * 1000) > config.maxSkewMs) {
      throw new AuthFailure('stale_timestamp');
    }
    const presented = headers.signature.startsWith('v1=') ? headers.signature.slice(3) : '';
    // Every configured secret is tried, so timing does not reveal which one matched.
    const matches = config.signingSecrets.map((secret) => {
      const expected = createHmac('sha256', secret)
        .update(`${headers.timestamp}.`)
        .update(rawBody)
        .digest('hex');
      return secretsEqual(presented, expected);
    });
    if (matches.some(Boolean)) return;
    throw new AuthFailure('bad_signature');
  }
  if (headers.sharedSecret && config.sharedSecret) {
    if (secretsEqual(headers.sharedSecret, config.sharedSecret)) return;
    throw new AuthFailure('bad_credentials');
  }
  throw new AuthFailure('missing_credentials');
}
