export type {
  SimContact as GhlSimContact,
  SimConversation as GhlSimConversation,
  SimCustomField as GhlSimCustomField,
  SimMessage as GhlSimMessage,
  SimNote as GhlSimNote,
  SimUser as GhlSimUser,
} from './model.ts';
export {
  type ReceivedWebhook as GhlReceivedWebhook,
  startGhlWebhookReceiver,
  type WebhookReceiver as GhlWebhookReceiver,
} from './receiver.ts';
export { startGhlSimulator } from './server.ts';
export { type GhlSpec, type GhlSpecName, ghlSpec, type SpecError as GhlSpecError } from './spec.ts';
export type {
  FaultSpec as GhlFaultSpec,
  GhlLocationSettings,
  GhlRateLimitSettings,
  GhlSimulator,
  GhlSimulatorOptions,
  SimRequest as GhlSimRequest,
  SpecViolation as GhlSpecViolation,
} from './types.ts';
export type {
  GhlPublicKeys,
  GhlSigningKeys,
  WebhookAttempt as GhlWebhookAttempt,
  WebhookDelivery as GhlWebhookDelivery,
  WebhookRetryPolicy as GhlWebhookRetryPolicy,
} from './webhooks.ts';
