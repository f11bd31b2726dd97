/** The texting simulator's public types: options, its handle, the messages it keeps and the webhooks it sends. */
import type { Delivery, FaultSpec, RequestLogEntry } from '../kit/index.ts';

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
