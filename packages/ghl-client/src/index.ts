export {
  createGhlClient,
  DEFAULT_GHL_BASE_URL,
  type ExchangeCodeOptions,
  exchangeCode,
  type GhlAuth,
  type GhlCallInfo,
  type GhlClient,
  type GhlClientOptions,
  type GhlContactInput,
  type GhlContactUpdateInput,
  type GhlCustomFieldValue,
  type GhlInboundMessageInput,
  type GhlMessageChannel,
  type GhlMessageStatusInput,
  type GhlNoteInput,
  type GhlSearchContactsInput,
  type GhlSearchFilter,
  type GhlSendMessageInput,
} from './client.ts';
export { decryptSecret, encryptSecret, parseEncryptionKey } from './crypto.ts';
export {
  codeForStatus,
  GHL_ERROR_CODES,
  GhlError,
  type GhlErrorCode,
  type GhlErrorDetails,
  isGhlError,
} from './errors.ts';
export { PgGhlTokenStore } from './pg-token-store.ts';
export {
  GhlRateLimiter,
  type RateLimiterOptions,
  type RateLimitGrant,
  sharedGhlRateLimiter,
} from './rate-limiter.ts';
export type {
  GhlContact,
  GhlConversation,
  GhlCustomField,
  GhlNote,
  GhlProcessMessageResult,
  GhlSendMessageResult,
} from './schemas.ts';
export {
  type GhlConnection,
  type GhlTokenSet,
  type GhlTokenStore,
  InMemoryGhlTokenStore,
} from './token-store.ts';
