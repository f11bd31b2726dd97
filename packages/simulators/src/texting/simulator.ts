/**
 * A stateful simulator of the team's texting system (shared/docs/texting-api.md): the send API with
 * `Idempotency-Key`, opt-out handling, and webhooks signed with HMAC over `<timestamp>.<raw body>` and/or the
 * legacy shared-secret header.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Router } from '@koa/router';
import Koa from 'koa';
import {
  bodyReader,
  type Delivery,
  deferWebhooksUntilAnswered,
  FaultInjector,
  type FaultSpec,
  listen,
  type RequestLogEntry,
  requestLogger,
  toE164,
  WebhookQueue,
} from '../aloware/sim-kit.ts';
import { textingControl } from './control.ts';

export const TEXTING_SEND_PATH = '/api/integrations/df-middleware/send-message';

export type TextingEventType =
  | 'message.received'
  | 'message.sent'
  | 'message.delivered'
  | 'message.failed'
  | 'optout.stop'
  | 'optout.start'
  | 'optout.help'
  | 'conversation.created';

/** The webhook body, in the existing system's shape. */
export interface TextingWebhookBody {
  eventType: TextingEventType;
  messageId: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  body: string;
  timestamp: string;
  status: string;
  errorCode?: string;
  errorMessage?: string;
  mediaUrls: string[];
  raw: { telnyxMessageId: string; chatId: string; chatMessageId: string };
}

export interface TextingMessage {
  /** The texting system's chat message id (what the send API returns as `messageId`). */
  chatMessageId: string;
  /** The carrier's id (the webhook `messageId`). */
  carrierMessageId: string;
  chatId: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  /** Kept for test assertions; never logged. */
  body: string;
  mediaUrls: string[];
  status: 'pending' | 'sent' | 'delivered' | 'failed' | 'received';
  correlationId: string | null;
  idempotencyKey: string | null;
  /** true when the middleware asked for it through the send API. */
  viaApi: boolean;
  at: Date;
}

export interface TextingSigning {
  /** HMAC secret: sends `X-Texting-Timestamp` and `X-Texting-Signature: v1=<hex>`. */
  hmacSecret?: string;
  /** Legacy shared secret: sends `X-Texting-Secret`. */
  sharedSecret?: string;
}

export interface TextingSimulatorOptions {
  port?: number;
  host?: string;
  /** The API key the send API expects as `Authorization: Bearer …`. Default `texting-test-key`. */
  apiKey?: string;
  webhookUrl?: string;
  /** How webhooks are authenticated; both headers are sent when both secrets are set. */
  signing?: TextingSigning;
  /** Default sender number when a send omits `from`. */
  defaultFrom?: string;
  latencyMs?: number;
  webhookDelayMs?: number;
  webhookTimeoutMs?: number;
  /** Emit `message.delivered`/`message.failed` after `message.sent` (default true). */
  autoDeliver?: boolean;
  /** Emit `conversation.created` when a new conversation starts (default false). */
  emitConversationCreated?: boolean;
  clock?: () => Date;
}

export interface TextingSimulator {
  url: string;
  apiKey: string;
  close(): Promise<void>;

  // ---- state ----
  messages(): TextingMessage[];
  /** Messages actually sent through the send API (one per idempotency key). */
  sent(): TextingMessage[];
  optedOut(): string[];
  readonly requests: RequestLogEntry[];
  readonly deliveries: Delivery<TextingEventType>[];
  idle(): Promise<void>;

  // ---- configuration / faults ----
  setWebhook(url: string | undefined): void;
  setSigning(signing: TextingSigning): void;
  failNext(n: number, spec?: FaultSpec): void;
  setLatency(ms: number): void;
  /** Messages to this number fail at the carrier (`message.failed`) from now on. */
  failDeliveryTo(phone: string, error?: { errorCode: string; errorMessage: string }): void;

  // ---- drivers ----
  /** A person texts in: `message.received`, plus `optout.*` for STOP/START/HELP keywords. */
  receiveInbound(input: { from: string; to: string; body: string; mediaUrls?: string[] }): TextingMessage;
  /** An agent texts from the texting system's own UI (not through the middleware). */
  sendFromPlatform(input: { from: string; to: string; body: string }): TextingMessage;
  /** Marks a pending outbound message delivered or failed (when `autoDeliver` is off). */
  settle(chatMessageId: string, outcome: 'delivered' | 'failed'): void;
  optOut(phone: string): void;
  optIn(phone: string): void;
}

/** Whole-message keywords (case-insensitive), as the architecture's consent rule lists them. */
const STOP_KEYWORDS = new Set(['stop', 'quit', 'end', 'revoke', 'opt out', 'cancel', 'unsubscribe']);
const START_KEYWORDS = new Set(['start', 'unstop']);
const HELP_KEYWORDS = new Set(['help']);

export function textingKeyword(body: string): 'stop' | 'start' | 'help' | null {
  const word = body.trim().toLowerCase().replace(/\s+/g, ' ');
  if (STOP_KEYWORDS.has(word)) return 'stop';
  if (START_KEYWORDS.has(word)) return 'start';
  if (HELP_KEYWORDS.has(word)) return 'help';
  return null;
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` — the signature the texting system sends. */
export function signTextingBody(secret: string, timestamp: number | string, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

function keyEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

interface StoredAnswer {
  status: number;
  body: unknown;
}

export async function startTextingSimulator(
  options: TextingSimulatorOptions = {},
): Promise<TextingSimulator> {
  const apiKey = options.apiKey ?? 'texting-test-key';
  const clock = options.clock ?? (() => new Date());
  const autoDeliver = options.autoDeliver ?? true;
  const defaultFrom = options.defaultFrom ?? '+12025550199';
  let webhookUrl = options.webhookUrl;
  let signing: TextingSigning = { ...options.signing };

  const messages: TextingMessage[] = [];
  const chats = new Map<string, string>();
  const optOuts = new Set<string>();
  const failing = new Map<string, { errorCode: string; errorMessage: string }>();
  const idempotency = new Map<string, StoredAnswer>();
  const requests: RequestLogEntry[] = [];
  const faults = new FaultInjector();
  faults.latencyMs = options.latencyMs ?? 0;
  const queue = new WebhookQueue<TextingEventType>({ timeoutMs: options.webhookTimeoutMs ?? 30_000 });

  function headers(rawBody: string): Record<string, string> {
    const out: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'texting-system/1.0',
    };
    if (signing.hmacSecret) {
      const timestamp = Math.floor(clock().getTime() / 1000);
      out['X-Texting-Timestamp'] = String(timestamp);
      out['X-Texting-Signature'] = signTextingBody(signing.hmacSecret, timestamp, rawBody);
    }
    if (signing.sharedSecret) out['X-Texting-Secret'] = signing.sharedSecret;
    return out;
  }

  function emit(
    eventType: TextingEventType,
    message: TextingMessage,
    extra: Partial<TextingWebhookBody> = {},
  ): void {
    const body: TextingWebhookBody = {
      eventType,
      messageId: message.carrierMessageId,
      conversationId: message.chatId,
      direction: message.direction,
      from: message.from,
      to: message.to,
      body: message.body,
      timestamp: clock().toISOString(),
      status: message.status,
      ...extra,
      mediaUrls: [...message.mediaUrls],
      raw: {
        telnyxMessageId: message.carrierMessageId,
        chatId: message.chatId,
        chatMessageId: message.chatMessageId,
      },
    };
    queue.enqueue({ event: eventType, url: webhookUrl, body, headers, delayMs: options.webhookDelayMs });
  }

  function chatFor(ours: string, theirs: string): { chatId: string; created: boolean } {
    const key = `${ours}|${theirs}`;
    const existing = chats.get(key);
    if (existing) return { chatId: existing, created: false };
    const chatId = `chat_${randomUUID()}`;
    chats.set(key, chatId);
    return { chatId, created: true };
  }

  function newMessage(fields: Omit<TextingMessage, 'chatMessageId' | 'carrierMessageId' | 'at' | 'chatId'>) {
    const ours = fields.direction === 'outbound' ? fields.from : fields.to;
    const theirs = fields.direction === 'outbound' ? fields.to : fields.from;
    const chat = chatFor(ours, theirs);
    const message: TextingMessage = {
      ...fields,
      chatMessageId: `msg_${randomUUID()}`,
      carrierMessageId: randomUUID(),
      chatId: chat.chatId,
      at: clock(),
    };
    messages.push(message);
    if (chat.created && options.emitConversationCreated) emit('conversation.created', message);
    return message;
  }

  function settle(message: TextingMessage, outcome: 'delivered' | 'failed'): void {
    if (outcome === 'delivered') {
      message.status = 'delivered';
      emit('message.delivered', message);
    } else {
      message.status = 'failed';
      const error = failing.get(message.to) ?? {
        errorCode: '40300',
        errorMessage: 'Carrier rejected the message',
      };
      emit('message.failed', message, error);
    }
  }

  function dispatchOutbound(message: TextingMessage): void {
    message.status = 'sent';
    emit('message.sent', message);
    if (autoDeliver) settle(message, failing.has(message.to) ? 'failed' : 'delivered');
  }

  // ---------------------------------------------------------------- HTTP API
  const app = new Koa();
  const router = new Router();

  function answer(ctx: Koa.Context, stored: StoredAnswer): void {
    ctx.status = stored.status;
    ctx.body = stored.body;
  }

  function handleSend(ctx: Koa.Context): StoredAnswer {
    if (ctx.state.jsonInvalid || !ctx.state.json || typeof ctx.state.json !== 'object') {
      return { status: 400, body: { success: false, error: 'invalid JSON body' } };
    }
    const input = ctx.state.json as Record<string, unknown>;
    const to = toE164(input.to);
    if (!to) return { status: 400, body: { success: false, error: 'invalid phone number: to' } };
    const from = input.from === undefined || input.from === null ? defaultFrom : toE164(input.from);
    if (!from) return { status: 400, body: { success: false, error: 'invalid phone number: from' } };
    const text = typeof input.body === 'string' ? input.body : '';
    if (text.trim() === '') return { status: 400, body: { success: false, error: 'empty body' } };
    if (optOuts.has(to)) return { status: 409, body: { success: false, error: 'recipient opted out' } };
    const message = newMessage({
      direction: 'outbound',
      from,
      to,
      body: text,
      mediaUrls: [],
      status: 'pending',
      correlationId: typeof input.correlationId === 'string' ? input.correlationId : null,
      idempotencyKey: ctx.get('Idempotency-Key') || null,
      viaApi: true,
    });
    dispatchOutbound(message);
    return {
      status: 200,
      body: { success: true, messageId: message.chatMessageId, chatId: message.chatId, status: 'pending' },
    };
  }

  router.post(TEXTING_SEND_PATH, (ctx) => {
    const auth = ctx.get('Authorization');
    const presented = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    if (!presented || !keyEqual(presented, apiKey)) {
      return answer(ctx, { status: 401, body: { success: false, error: 'unauthorized' } });
    }
    const key = ctx.get('Idempotency-Key');
    if (key) {
      const previous = idempotency.get(key);
      if (previous) {
        ctx.set('Idempotent-Replayed', 'true');
        return answer(ctx, previous);
      }
    }
    const result = handleSend(ctx);
    if (key) idempotency.set(key, result);
    return answer(ctx, result);
  });

  // Assigned once the server listens; control routes only run after that.
  let self: TextingSimulator | undefined;
  app.use(deferWebhooksUntilAnswered());
  app.use(bodyReader());
  app.use(textingControl(() => self!));
  app.use(requestLogger(requests));
  app.use(faults.middleware());
  app.use(router.routes());
  app.use(router.allowedMethods());

  const listening = await listen(app, options.port ?? 0, options.host);

  const find = (chatMessageId: string) => {
    const message = messages.find((m) => m.chatMessageId === chatMessageId);
    if (!message) throw new Error(`texting simulator: no message ${chatMessageId}`);
    return message;
  };
  const normalize = (phone: string) => {
    const e164 = toE164(phone);
    if (!e164) throw new Error('texting simulator: invalid phone number');
    return e164;
  };

  self = {
    url: listening.url,
    apiKey,
    async close() {
      queue.close();
      await listening.close();
    },
    messages: () => messages.map((m) => ({ ...m, mediaUrls: [...m.mediaUrls] })),
    sent: () => messages.filter((m) => m.viaApi).map((m) => ({ ...m, mediaUrls: [...m.mediaUrls] })),
    optedOut: () => [...optOuts],
    requests,
    deliveries: queue.deliveries,
    idle: () => queue.idle(),
    setWebhook(url) {
      webhookUrl = url;
    },
    setSigning(next) {
      signing = { ...next };
    },
    failNext: (n, spec) => faults.failNext(n, spec),
    setLatency(ms) {
      faults.latencyMs = ms;
    },
    failDeliveryTo(phone, error) {
      failing.set(
        normalize(phone),
        error ?? { errorCode: '40300', errorMessage: 'Carrier rejected the message' },
      );
    },
    receiveInbound({ from, to, body, mediaUrls = [] }) {
      // Phones are passed through as given (the real system may forward them unnormalized).
      const message = newMessage({
        direction: 'inbound',
        from,
        to,
        body,
        mediaUrls,
        status: 'received',
        correlationId: null,
        idempotencyKey: null,
        viaApi: false,
      });
      emit('message.received', message);
      const keyword = textingKeyword(body);
      const sender = toE164(from);
      if (keyword === 'stop') {
        if (sender) optOuts.add(sender);
        emit('optout.stop', message);
      } else if (keyword === 'start') {
        if (sender) optOuts.delete(sender);
        emit('optout.start', message);
      } else if (keyword === 'help') {
        emit('optout.help', message);
      }
      return { ...message };
    },
    sendFromPlatform({ from, to, body }) {
      const message = newMessage({
        direction: 'outbound',
        from: normalize(from),
        to: normalize(to),
        body,
        mediaUrls: [],
        status: 'pending',
        correlationId: null,
        idempotencyKey: null,
        viaApi: false,
      });
      dispatchOutbound(message);
      return { ...message };
    },
    settle(chatMessageId, outcome) {
      settle(find(chatMessageId), outcome);
    },
    optOut(phone) {
      optOuts.add(normalize(phone));
    },
    optIn(phone) {
      optOuts.delete(normalize(phone));
    },
  };
  return self;
}
