import { changedFields, fingerprint, isEmpty, type Snapshot } from './snapshot.ts';

/** How many of our writes into one side may await their echo at once (a burst of edits to one person). */
export const MAX_PENDING_ECHOES = 5;

/** Remembers a write we are about to make into a side, so its echo can be recognized when it comes back. */
export function expectEcho(pending: readonly string[], written: Snapshot): string[] {
  return [...pending, fingerprint(written)].slice(-MAX_PENDING_ECHOES);
}

/**
 * Whether a side's report is the echo of one of our pending writes into it: every field we wrote says what we
 * wrote, and nothing else differs from what that side held. Returns the pending fingerprints left once it is
 * consumed (that write and every older one: a side reports its state, so a newer state covers older writes),
 * or `undefined` when the report is not an echo.
 *
 * Invariant: an echo is recognized at most once. Anything a side reports that matches no pending write is a
 * user's change, and it clears the pending list: A → B → A always reaches the other side.
 */
export function consumeEcho(
  pending: readonly string[],
  reported: Snapshot,
  known: Snapshot | null,
): string[] | undefined {
  for (let i = pending.length - 1; i >= 0; i--) {
    const written = Object.fromEntries(JSON.parse(pending[i]!) as [string, unknown][]) as Snapshot;
    // A tool may echo part of a write (GHL's ContactUpdate carries `dnd` but no channel settings): what it
    // says of the written fields must match, and it must say at least one of them.
    const overlap = Object.keys(reported).filter((field) => field in written) as Array<keyof Snapshot>;
    if (overlap.length === 0 || overlap.some((field) => reported[field] !== written[field])) continue;
    if (isEmpty(changedFields(reported, { ...known, ...written }))) return pending.slice(i + 1);
  }
  return undefined;
}
