export type {
  SimContact as GhlSimContact,
  SimConversation as GhlSimConversation,
  SimCustomField as GhlSimCustomField,
  SimMessage as GhlSimMessage,
  SimNote as GhlSimNote,
} from './model.ts';
export {
  type ReceivedWebhook as GhlReceivedWebhook,
  startGhlWebhookReceiver,
  type WebhookReceiver as GhlWebhookReceiver,
} from './receiver.ts';
export {
  type FaultSpec as GhlFaultSpec,
  type GhlLocationSettings,
  type GhlRateLimitSettings,
  type GhlSimulator,
  type GhlSimulatorOptions,
  type SimRequest as GhlSimRequest,
  type SpecViolation as GhlSpecViolation,
  startGhlSimulator,
} from './server.ts';
export { type GhlSpec, type GhlSpecName, ghlSpec, type SpecError as GhlSpecError } from './spec.ts';
export type {
  GhlPublicKeys,
  GhlSigningKeys,
  WebhookAttempt as GhlWebhookAttempt,
  WebhookDelivery as GhlWebhookDelivery,
  WebhookRetryPolicy as GhlWebhookRetryPolicy,
} from './webhooks.ts';
