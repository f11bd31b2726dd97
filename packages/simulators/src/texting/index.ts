export { startTextingSimulator } from './simulator.ts';
export {
  TEXTING_SEND_PATH,
  type TextingEventType,
  type TextingMessage,
  type TextingSigning,
  type TextingSimulator,
  type TextingSimulatorOptions,
  type TextingWebhookBody,
} from './types.ts';
export { signTextingBody, textingKeyword } from './wire.ts';
