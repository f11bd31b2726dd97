import { createHash } from 'node:crypto';

/**
 * The id of the `index`-th event of a delivery, derived from the delivery's identity (its dedupe key) in the
 * form of a name-based UUID (RFC 9562 version 5 layout over SHA-256).
 *
 * Invariant: every copy of one delivery — a sender's retry, a concurrent duplicate, a publish that timed out
 * and landed late next to its spooled copy — carries the same event ids, so consumers (which record the ids
 * they processed) apply it once. This is what lets the ingress answer 2xx without a receipt round trip: it
 * never needs to know whether it saw a delivery before. Deliveries without an identity get a fresh random
 * component in their dedupe key from the normalizer, hence fresh ids.
 */
export function eventIdFor(dedupeKey: string, index: number): string {
  const hash = createHash('sha256').update(`${dedupeKey}\u0000${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
