export {
  loadMessagingRelaySettings,
  MessagingRelayEnv,
  messagingRelayEnv,
  refineMessagingEnv,
  toMessagingRouting,
} from './config.ts';
export type { RelayConfig } from './deps.ts';
export { type ConsentChange, type ConsentState, decideConsent, maySend } from './domain/consent.ts';
export { type MessagingRoute, parseRoutes, routeFor } from './domain/routes.ts';
export { MESSAGING_RELAY_GROUP, type RunningMessagingRelay, startMessagingRelay } from './service.ts';
export { createRelayTools, type RelayTools, type RelayToolsOptions } from './tools.ts';
