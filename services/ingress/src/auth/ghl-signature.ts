import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { AuthFailure } from './failure.ts';

/** GHL's published Ed25519 key for `X-GHL-Signature` (see docs/ghl-api.md §5.2). */
export const GHL_ED25519_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----`;

/** GHL's published 4096-bit RSA key for the legacy `x-wh-signature` (docs/ghl-api.md §5.1). */
export const GHL_RSA_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----`;

export interface GhlSignatureConfig {
  ed25519PublicKey: string;
  rsaPublicKey: string;
  /** The legacy RSA header is accepted only while this is true (GHL is retiring it). */
  acceptLegacyRsa: boolean;
  /** How far the body's `timestamp` may be from now. */
  maxSkewMs: number;
}

export interface GhlVerifier {
  verify(rawBody: Buffer, headers: { ghlSignature?: string; legacySignature?: string }): Promise<void>;
  /**
   * Refuses a body whose `timestamp` is outside the window, or absent. `optional` is for provider deliveries
   * only: GHL sends them without a timestamp, and the caller must then guard replays another way.
   */
  checkTimestamp(body: unknown, options?: { optional?: boolean; now?: number }): void;
}

// With a callback, node verifies on libuv's thread pool: the signature check, the costliest step of a GHL
// delivery, runs off the event loop and on the other cores.
const verifyAsync = promisify(verify);
const verifyOffLoop = (algorithm: string | null, data: Buffer, key: KeyObject, signature: string) =>
  // A malformed signature (wrong length, not base64) is a failed check, not an error.
  verifyAsync(algorithm, data, key, Buffer.from(signature, 'base64')).catch(() => false);

/**
 * Verifies GHL webhooks over the raw body bytes. As GHL's SDK does, a present `X-GHL-Signature` is decisive:
 * no fallback to the RSA header when it fails, so a forged Ed25519 header cannot be "rescued". GHL sometimes
 * sends the literal "N/A", which counts as absent.
 */
export function createGhlVerifier(config: GhlSignatureConfig): GhlVerifier {
  const ed25519: KeyObject = createPublicKey(config.ed25519PublicKey);
  const rsa: KeyObject = createPublicKey(config.rsaPublicKey);
  const present = (value: string | undefined) => (value && value !== 'N/A' ? value : undefined);

  return {
    async verify(rawBody, headers) {
      const current = present(headers.ghlSignature);
      if (current) {
        if (await verifyOffLoop(null, rawBody, ed25519, current)) return;
        throw new AuthFailure('bad_signature');
      }
      const legacy = present(headers.legacySignature);
      if (legacy && config.acceptLegacyRsa) {
        if (await verifyOffLoop('sha256', rawBody, rsa, legacy)) return;
        throw new AuthFailure('bad_signature');
      }
      throw new AuthFailure('missing_credentials');
    },
    checkTimestamp(body, { optional = false, now = Date.now() } = {}) {
      // The timestamp sits inside the signed body, so checking it after the signature makes replays expire.
      // A signed body without one would never expire: a captured delivery could be replayed forever.
      const timestamp = (body as { timestamp?: unknown } | null)?.timestamp;
      if (timestamp === undefined) {
        if (optional) return;
        throw new AuthFailure('missing_timestamp');
      }
      const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
      if (Number.isNaN(at) || Math.abs(now - at) > config.maxSkewMs) throw new AuthFailure('stale_timestamp');
    },
  };
}
