export {
  createTextingClient,
  type SendTextInput,
  type SendTextResult,
  sendAcceptedSchema,
  TEXTING_SEND_MESSAGE_PATH,
  type TextingClient,
  type TextingClientOptions,
} from './client.ts';
export {
  isTextingError,
  TEXTING_ERROR_CODES,
  TextingError,
  type TextingErrorCode,
  type TextingErrorInit,
  textingCodeForStatus,
} from './errors.ts';
