/**
 * AES-256-GCM for OAuth tokens at rest. Format: `v1.<base64url(iv[12] | tag[16] | ciphertext)>`. The optional
 * associated data (use the location id) binds a ciphertext to its row, so a value copied to another row fails.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** Accepts a 32-byte key as base64, base64url or 64 hex characters (e.g. from `GHL_TOKEN_ENCRYPTION_KEY`). */
export function parseEncryptionKey(key: string): Buffer {
  const trimmed = key.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (buf.length !== 32) throw new Error('GHL token encryption key must be 32 bytes (base64 or hex)');
  return buf;
}

export function encryptSecret(plaintext: string, key: Buffer, associatedData?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

export function decryptSecret(payload: string, key: Buffer, associatedData?: string): string {
  const [version, data] = payload.split('.');
  if (version !== VERSION || !data) throw new Error('unsupported encrypted secret format');
  const raw = Buffer.from(data, 'base64url');
  if (raw.length < 28) throw new Error('encrypted secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
