export { CONTROL_PREFIX, commonControl, jsonBody, run } from './control.ts';
export { FaultInjector, type FaultSpec, faultApplies, type PendingFault, takeFault } from './faults.ts';
export {
  bodyReader,
  deferWebhooksUntilAnswered,
  type ListeningServer,
  listen,
  type RequestLogEntry,
  redact,
  requestLogger,
} from './http.ts';
export { alowareTimestamp, toE164 } from './values.ts';
export { type Delivery, WebhookQueue, type WebhookQueueOptions } from './webhook-queue.ts';
