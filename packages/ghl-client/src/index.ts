export { createGhlClient, type GhlClient, type GhlClientOptions } from './client.ts';
export { duplicateContactId, isGhlError } from './errors.ts';
export type {
  GhlContactInput,
  GhlContactUpdateInput,
  GhlCustomFieldValue,
  GhlInboundMessageInput,
  GhlMessageChannel,
  GhlMessageStatusInput,
  GhlNoteInput,
  GhlSearchContactsInput,
  GhlSearchFilter,
  GhlSendMessageInput,
} from './inputs.ts';
export {
  type DailyBudget,
  type GhlRateLimiter,
  type RateHeaders,
  type RateLimiterOptions,
  type RateLimitGrant,
  readRateHeaders,
} from './limiter.ts';
export { LocalGhlRateLimiter, sharedGhlRateLimiter } from './local-limiter.ts';
export { type ExchangeCodeOptions, exchangeCode, type GhlAuth } from './oauth.ts';
export { DEFAULT_GHL_BASE_URL } from './resources/versions.ts';
export type {
  GhlContact,
  GhlConversation,
  GhlCustomField,
  GhlMessage,
  GhlNote,
  GhlProcessMessageResult,
  GhlSendMessageResult,
  GhlUser,
} from './schemas.ts';
export {
  type GhlConnection,
  type GhlConnectionUpdate,
  type GhlTokenSet,
  type GhlTokenStore,
  InMemoryGhlTokenStore,
} from './token-store.ts';
export type { GhlCallInfo } from './transport.ts';
