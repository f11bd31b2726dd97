/**
 * The offsets of one partition's batch and which of them are done. Records finish out of order (different
 * keys run concurrently), but a commit says "everything below this offset is done", so the committable
 * offset is the first one not done yet — or one past the last record once all are.
 */
export class OffsetTracker {
  private readonly pending: bigint[];
  private readonly done = new Set<bigint>();
  private low = 0;
  /** Where the batch began is where the group's position already is; only progress past it is worth a commit. */
  private committed: bigint;

  constructor(
    offsets: readonly string[],
    private readonly end: bigint,
  ) {
    this.pending = offsets.map((o) => BigInt(o));
    this.committed = this.pending[0] ?? -1n;
  }

  markDone(offset: string): void {
    this.done.add(BigInt(offset));
  }

  /** The offset to commit when it moved since the last call, otherwise null. */
  takeCommittable(): string | null {
    while (this.low < this.pending.length && this.done.has(this.pending[this.low]!)) this.low += 1;
    const next = this.low < this.pending.length ? this.pending[this.low]! : this.end;
    if (next <= this.committed) return null;
    this.committed = next;
    return String(next);
  }
}
