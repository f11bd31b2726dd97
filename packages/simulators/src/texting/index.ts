export {
  signTextingBody,
  startTextingSimulator,
  TEXTING_SEND_PATH,
  type TextingEventType,
  type TextingMessage,
  type TextingSigning,
  type TextingSimulator,
  type TextingSimulatorOptions,
  type TextingWebhookBody,
  textingKeyword,
} from './simulator.ts';
