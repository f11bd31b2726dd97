import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, parseEncryptionKey } from '@df/ghl-store';
import { describe, expect, it } from 'vitest';

describe('token encryption at rest (AES-256-GCM)', () => {
  const key = parseEncryptionKey(randomBytes(32).toString('base64'));

  it('round-trips and binds the ciphertext to its associated data', () => {
    const sealed = encryptSecret('refresh-token-value', key, 'location-1');
    expect(sealed).not.toContain('refresh-token-value');
    expect(decryptSecret(sealed, key, 'location-1')).toBe('refresh-token-value');
    expect(() => decryptSecret(sealed, key, 'location-2')).toThrow();
    expect(encryptSecret('refresh-token-value', key, 'location-1')).not.toBe(sealed);
  });

  it('rejects tampering, wrong keys and malformed keys', () => {
    const sealed = encryptSecret('x', key);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
    expect(() => decryptSecret(`v1.${raw.toString('base64url')}`, key)).toThrow();
    expect(() => decryptSecret(sealed, parseEncryptionKey(randomBytes(32).toString('hex')))).toThrow();
    expect(() => parseEncryptionKey('too-short')).toThrow(/32 bytes/);
  });
});
