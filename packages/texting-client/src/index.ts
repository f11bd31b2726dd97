export {
  createTextingClient,
  isOptedOut,
  type SendTextInput,
  type SendTextResult,
  sendAcceptedSchema,
  TEXTING_SEND_MESSAGE_PATH,
  type TextingClient,
  type TextingClientOptions,
} from './client.ts';
