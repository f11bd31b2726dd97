/**
 * A stateful simulator of the team's texting system (shared/docs/texting-api.md): the send API with
 * `Idempotency-Key`, opt-out handling, and webhooks signed with HMAC over `<timestamp>.<raw body>` and/or the
 * legacy shared-secret header.
 */
import { randomUUID } from 'node:crypto';
import { Router } from '@koa/router';
import Koa from 'koa';
import {
  bodyReader,
  deferWebhooksUntilAnswered,
  FaultInjector,
  listen,
  type RequestLogEntry,
  requestLogger,
  toE164,
  WebhookQueue,
} from '../kit/index.ts';
import { textingControl } from './control.ts';
import {
  TEXTING_SEND_PATH,
  type TextingEventType,
  type TextingMessage,
  type TextingSigning,
  type TextingSimulator,
  type TextingSimulatorOptions,
  type TextingWebhookBody,
} from './types.ts';
import { keyEqual, textingKeyword, webhookHeaders } from './wire.ts';

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

  // `signing` can change at runtime (rotation tests): read it when each webhook is sent.
  const headers = (rawBody: string) => webhookHeaders(signing, clock(), rawBody);

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
