import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthFailure } from '../src/auth/failure.ts';
import { createGhlVerifier } from '../src/auth/ghl-signature.ts';

const pem = (key: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) =>
  key.export({ type: 'spki', format: 'pem' }).toString();
const verifier = createGhlVerifier({
  ed25519PublicKey: pem(generateKeyPairSync('ed25519').publicKey),
  rsaPublicKey: pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
  acceptLegacyRsa: true,
  maxSkewMs: 300_000,
});
const now = Date.parse('2026-03-02T15:04:06.000Z');

/** The reason checkTimestamp refuses a body for, or null when it passes. */
function refusal(body: unknown, optional = false): string | null {
  try {
    verifier.checkTimestamp(body, { optional, now });
    return null;
  } catch (error) {
    if (error instanceof AuthFailure) return error.reason;
    throw error;
  }
}

describe('GHL timestamp window', () => {
  it('passes a timestamp inside the window, either side of now', () => {
    expect(refusal({ timestamp: '2026-03-02T15:00:00.000Z' })).toBeNull();
    expect(refusal({ timestamp: '2026-03-02T15:08:00.000Z' })).toBeNull();
  });

  it('refuses a timestamp outside the window or unreadable', () => {
    expect(refusal({ timestamp: '2026-03-02T14:58:00.000Z' })).toBe('stale_timestamp');
    expect(refusal({ timestamp: 'yesterday' })).toBe('stale_timestamp');
    expect(refusal({ timestamp: now })).toBe('stale_timestamp');
  });

  it('refuses a body without a timestamp: it would never expire, so it could be replayed forever', () => {
    expect(refusal({ type: 'ContactUpdate' })).toBe('missing_timestamp');
    expect(refusal(null)).toBe('missing_timestamp');
  });

  it('lets the provider route, which guards replays by message id, take a body without one', () => {
    expect(refusal({ type: 'SMS', messageId: 'm-1' }, true)).toBeNull();
    expect(refusal({ type: 'SMS', timestamp: '2026-03-02T14:00:00.000Z' }, true)).toBe('stale_timestamp');
  });
});
