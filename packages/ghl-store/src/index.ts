export { decryptSecret, encryptSecret, parseEncryptionKey } from './crypto.ts';
export { completeGhlInstall, type GhlAppCredentials, recordGhlUninstall } from './install.ts';
export { PgGhlRateLimiter, type PgGhlRateLimiterOptions } from './pg-rate-limiter.ts';
export { PgGhlTokenStore } from './pg-token-store.ts';
export {
  createSharedGhlClient,
  type SharedGhlAuth,
  type SharedGhlClientOptions,
  sharedRateLimiter,
} from './shared-client.ts';
