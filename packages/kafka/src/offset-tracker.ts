/**
 * The offsets of one partition handed to this member and which of them are done. Records finish out of
 * order (different keys run concurrently), but a commit says "everything below this offset is done", so the
 * committable offset is the first one not done yet — or one past the last record fetched once all are.
 */
export class OffsetTracker {
  private pending: bigint[] = [];
  private readonly done = new Set<bigint>();
  private low = 0;
  private end = -1n;
  /** Where the partition's first batch began is where the group's position already is. */
  private committed: bigint | null = null;

  /** Records of a new batch, in log order; `end` is one past its last offset (compaction may leave gaps). */
  add(offsets: readonly string[], end: bigint): void {
    if (this.committed === null && offsets.length > 0) this.committed = BigInt(offsets[0]!);
    for (const o of offsets) this.pending.push(BigInt(o));
    this.end = end;
  }

  markDone(offset: string): void {
    this.done.add(BigInt(offset));
  }

  /** The offset to commit when it moved since the last call, otherwise null. */
  takeCommittable(): string | null {
    while (this.low < this.pending.length && this.done.has(this.pending[this.low]!)) {
      this.done.delete(this.pending[this.low]!);
      this.low += 1;
    }
    const next = this.low < this.pending.length ? this.pending[this.low]! : this.end;
    // Forget what is behind us once in a while, so a long-lived partition does not grow without bound.
    if (this.low > 10_000) {
      this.pending = this.pending.slice(this.low);
      this.low = 0;
    }
    if (this.committed === null || next <= this.committed) return null;
    this.committed = next;
    return String(next);
  }

  /** Records handed out and not done yet. */
  get outstanding(): number {
    return this.pending.length - this.low - this.done.size;
  }
}
