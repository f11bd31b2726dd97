export {
  ALOWARE_DEFAULT_TIME_ZONE,
  type AlowareNormalizeOptions,
  alowareEventType,
  normalizeAloware,
} from './aloware.ts';
export { type GhlNormalizeOptions, normalizeGhl } from './ghl.ts';
export { normalizeTexting, type TextingNormalizeOptions } from './texting.ts';
export { toUtcIso } from './time.ts';
