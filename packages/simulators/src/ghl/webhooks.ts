/**
 * Signed webhook delivery, the way GHL does it (ghl-api.md §4, §5): flat JSON bodies with `timestamp` and `webhookId`,
 * an Ed25519 signature in `X-GHL-Signature` and (switchable) the legacy RSA-SHA256 one in `x-wh-signature`, both
 * base64 over the exact raw body bytes. The key pairs are generated per simulator; `publicKeys` publishes them.
 *
 * Retry policy (a bounded, faster version of GHL's "any non-2xx, up to 12 retries, exponential backoff with jitter"):
 * any non-2xx or transport failure is retried up to `attempts - 1` times (default 3), delay `baseDelayMs * 2^n`
 * (default 200 ms) plus up to 20 % jitter, with the same `webhookId` and the same bytes. `retryOn: '429-only'`
 * models GHL's pre-2026 policy. Deliveries to one URL are sent one at a time, in order (GHL does not promise order;
 * receivers must not rely on it).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WebhookRetryPolicy {
  /** Total attempts, including the first. Default 4. */
  attempts: number;
  /** First retry delay in ms (then doubled). Default 200. */
  baseDelayMs: number;
  /**
   * `non-2xx` (GHL since 2026-04-30: any non-2xx or transport failure) or `429-only` (GHL's earlier policy).
   * Default `non-2xx`.
   */
  retryOn: 'non-2xx' | '429-only';
}

export interface WebhookAttempt {
  at: number;
  status?: number;
  error?: string;
}

export interface WebhookDelivery {
  webhookId: string;
  type: string;
  url: string;
  /** The exact bytes sent (and signed). */
  body: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
}

/** Fixed signing keys (PKCS#8 PEM), e.g. so a long-running stack can configure the matching public keys. */
export interface GhlSigningKeys {
  ed25519PrivatePem: string;
  rsaPrivatePem: string;
}

export interface GhlPublicKeys {
  ed25519Pem: string;
  rsaPem: string;
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  readonly publicKeys: GhlPublicKeys;
  legacySignature: boolean;
  retry: WebhookRetryPolicy;
  timeoutMs: number;
  private readonly edKey: KeyObject;
  private readonly rsaKey: KeyObject;
  private readonly chains = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    options: {
      retry?: Partial<WebhookRetryPolicy>;
      legacySignature?: boolean;
      timeoutMs?: number;
      signingKeys?: GhlSigningKeys;
    } = {},
  ) {
    this.edKey = options.signingKeys
      ? createPrivateKey(options.signingKeys.ed25519PrivatePem)
      : generateKeyPairSync('ed25519').privateKey;
    this.rsaKey = options.signingKeys
      ? createPrivateKey(options.signingKeys.rsaPrivatePem)
      : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const pem = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    this.publicKeys = { ed25519Pem: pem(this.edKey), rsaPem: pem(this.rsaKey) };
    this.legacySignature = options.legacySignature ?? true;
    this.retry = { attempts: 4, baseDelayMs: 200, retryOn: 'non-2xx', ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Signs raw bytes the way GHL does: returns the header values. */
  signatureHeaders(raw: Buffer): Record<string, string> {
    const headers: Record<string, string> = {
      'x-ghl-signature': sign(null, raw, this.edKey).toString('base64'),
    };
    if (this.legacySignature) headers['x-wh-signature'] = sign('sha256', raw, this.rsaKey).toString('base64');
    return headers;
  }

  /** Queues a delivery; returns immediately. `payload` gets `timestamp` and `webhookId` added. */
  enqueue(url: string, payload: Record<string, unknown>): WebhookDelivery {
    const webhookId = randomUUID();
    const full = { ...payload, timestamp: new Date().toISOString(), webhookId };
    const body = JSON.stringify(full);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'ghl-simulator',
      ...this.signatureHeaders(Buffer.from(body)),
    };
    const delivery: WebhookDelivery = {
      webhookId,
      type: String(payload.type ?? 'ProviderOutboundMessage'),
      url,
      body,
      payload: full,
      headers,
      state: 'pending',
      attempts: [],
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > 100_000) this.deliveries.splice(0, this.deliveries.length - 100_000);
    const previous = this.chains.get(url) ?? Promise.resolve();
    this.chains.set(
      url,
      previous.then(() => this.deliver(delivery)),
    );
    return delivery;
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (this.closed) break;
      if (attempt > 0) {
        const delay = this.retry.baseDelayMs * 2 ** (attempt - 1);
        await sleep(delay + Math.random() * delay * 0.2);
      }
      const record: WebhookAttempt = { at: Date.now() };
      delivery.attempts.push(record);
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        record.status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          delivery.state = 'delivered';
          return;
        }
        if (this.retry.retryOn === '429-only' && response.status !== 429) break;
      } catch (error) {
        record.error = error instanceof Error ? error.name : 'error';
        if (this.retry.retryOn === '429-only') break;
      }
    }
    delivery.state = 'failed';
  }

  /** Resolves once every queued delivery (including retries) has finished. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.chains.values()];
      await Promise.all(pending);
      if ([...this.chains.values()].every((p, i) => p === pending[i]) && pending.length === this.chains.size)
        return;
    }
  }

  close(): void {
    this.closed = true;
  }
}
