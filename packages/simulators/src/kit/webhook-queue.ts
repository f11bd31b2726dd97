/** An ordered webhook queue whose deliveries tests can await. */
import { setTimeout as sleep } from 'node:timers/promises';
import { redact, responseScope } from './http.ts';

export interface Delivery<E extends string = string> {
  /** Order in which the delivery was enqueued (1-based). */
  seq: number;
  event: E;
  url: string;
  /** The exact bytes that were POSTed. */
  rawBody: string;
  body: unknown;
  /** Headers sent, with secrets redacted. */
  headers: Record<string, string>;
  /** HTTP status the receiver answered, or null when the request failed (see `error`). */
  status: number | null;
  error?: string;
  at: Date;
}

export interface WebhookQueueOptions {
  timeoutMs?: number;
}

/**
 * Sends webhooks one after another in enqueue order and never retries (like Aloware). `idle()` resolves when
 * everything enqueued so far has been attempted.
 */
export class WebhookQueue<E extends string = string> {
  readonly deliveries: Delivery<E>[] = [];
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private seq = 0;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: WebhookQueueOptions = {}) {}

  enqueue(args: {
    event: E;
    url: string | undefined;
    body: unknown;
    headers: (rawBody: string) => Record<string, string>;
    delayMs?: number;
  }): void {
    if (this.closed || !args.url) return;
    const seq = ++this.seq;
    const url = args.url;
    const answered = responseScope.getStore();
    this.pending += 1;
    this.tail = this.tail.then(async () => {
      try {
        if (answered) await answered;
        if (args.delayMs && args.delayMs > 0) {
          await sleep(args.delayMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
        }
        if (!this.closed) await this.send(seq, args.event, url, args.body, args.headers);
      } finally {
        this.pending -= 1;
      }
    });
  }

  private async send(
    seq: number,
    event: E,
    url: string,
    body: unknown,
    headersFor: (rawBody: string) => Record<string, string>,
  ): Promise<void> {
    const rawBody = JSON.stringify(body);
    const headers = headersFor(rawBody);
    const delivery: Delivery<E> = {
      seq,
      event,
      url,
      rawBody,
      body,
      headers: redact(headers),
      status: null,
      at: new Date(),
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: rawBody,
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? 30_000), this.abort.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      delivery.status = response.status;
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    this.deliveries.push(delivery);
  }

  get inFlight(): number {
    return this.pending;
  }

  /** Resolves once every delivery enqueued before (and during) the wait has been attempted. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }

  /** Stops sending: queued deliveries are dropped and one in flight is aborted. */
  close(): void {
    this.closed = true;
    this.abort.abort();
  }
}
