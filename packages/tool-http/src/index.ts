export {
  isToolError,
  TOOL_ERROR_CODES,
  ToolError,
  type ToolErrorCode,
  type ToolErrorDetails,
  type ToolName,
} from './errors.ts';
export {
  type CallContext,
  errorForAnswer,
  isSuccess,
  parseAnswer,
  sendRequest,
  type ToolAnswer,
  type ToolRequest,
} from './request.ts';
export { codeForStatus, retryAfterMs } from './status.ts';
export { spanUrl } from './tracing.ts';
