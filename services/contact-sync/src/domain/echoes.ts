import { changedFields, fingerprint, type Snapshot, type SyncedField } from './snapshot.ts';

/** How many of our writes into one side may await their echo at once (a burst of edits to one person). */
export const MAX_PENDING_ECHOES = 5;

/** Remembers a write we are about to make into a side, so its echo can be recognized when it comes back. */
export function expectEcho(pending: readonly string[], written: Snapshot): string[] {
  return [...pending, fingerprint(written)].slice(-MAX_PENDING_ECHOES);
}

const writtenBy = (entry: string) => Object.fromEntries(JSON.parse(entry) as [string, unknown][]) as Snapshot;

const CONSENT_FIELDS: readonly SyncedField[] = ['callsBlocked', 'textsBlocked'];

/** The channels the pending writes block: their echoes, still to come, will report them blocked. */
export function blocksAwaitingEcho(pending: readonly string[]): Set<SyncedField> {
  return new Set(
    pending.flatMap((entry) => {
      const written = writtenBy(entry);
      return CONSENT_FIELDS.filter((field) => written[field] === true);
    }),
  );
}

/** Whether a report says `field` is not blocked while a newer write of ours, not yet echoed, blocks it. */
export const unblockedBeforeOurBlock = (reported: Snapshot, field: SyncedField, blocks: Set<SyncedField>) =>
  blocks.has(field) && reported[field] === false;

/**
 * Whether a side's report is the echo of one of our pending writes into it: every field we wrote says what we
 * wrote, and nothing else differs from what that side held. Returns the pending fingerprints left once it is
 * consumed (that write and every older one: a side reports its state, so a newer state covers older writes),
 * or `undefined` when the report is not an echo.
 *
 * The echo of an older write may come after a newer write of ours blocked a channel (Aloware's Contact-Created
 * for our create, after our next write added the opt-out tag): it reports that channel not blocked yet, and is
 * still that older write's echo. Only this difference is allowed: any other, a block included, is a user's
 * edit. That newer write stays pending: its own echo is still to come.
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
    const written = writtenBy(pending[i]!);
    // A tool may echo part of a write (GHL's ContactUpdate carries `dnd` but no channel settings): what it
    // says of the written fields must match, and it must say at least one of them.
    const overlap = Object.keys(reported).filter((field) => field in written) as Array<keyof Snapshot>;
    if (overlap.length === 0 || overlap.some((field) => reported[field] !== written[field])) continue;
    const blocks = blocksAwaitingEcho(pending.slice(i + 1));
    const differs = Object.keys(changedFields(reported, { ...known, ...written })) as SyncedField[];
    if (differs.every((field) => unblockedBeforeOurBlock(reported, field, blocks)))
      return pending.slice(i + 1);
  }
  return undefined;
}
