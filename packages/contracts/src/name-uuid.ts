import { createHash } from 'node:crypto';

/**
 * A UUID derived from a name (RFC 9562 version 5 layout over SHA-256): the same name always gives the same id.
 * Event ids derive from a delivery's identity, outcome ids from their event and step, so a retried delivery or
 * a replayed handler produces the ids it produced before, and the projections that record them absorb it.
 */
export function nameUuid(name: string): string {
  const hash = createHash('sha256').update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
