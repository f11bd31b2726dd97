/** GHL's production API (tests and the local default point at the simulator instead). */
export const DEFAULT_GHL_BASE_URL = 'https://services.leadconnectorhq.com';

/** GHL's `Version` header per API family (ghl-api.md §1.1). */
export const CONTACTS_VERSION = '2021-07-28';
export const CONVERSATIONS_VERSION = '2021-04-15';

export const enc = encodeURIComponent;

/** The defined values of `keys` in `input`: bodies carry only what GHL's DTOs accept. */
export function pick(input: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
