import { nameUuid } from '@df/contracts';

/**
 * The id of the `index`-th event of a delivery, derived from the delivery's identity (its dedupe key).
 *
 * Invariant: every copy of one delivery — a sender's retry, a concurrent duplicate, a publish that timed out
 * and landed late next to its spooled copy — carries the same event ids, so consumers (which record the ids
 * they processed) apply it once. This is what lets the ingress answer 2xx without a receipt round trip: it
 * never needs to know whether it saw a delivery before. Deliveries without an identity get a fresh random
 * component in their dedupe key from the normalizer, hence fresh ids.
 */
export function eventIdFor(dedupeKey: string, index: number): string {
  return nameUuid(`${dedupeKey}\u0000${index}`);
}
