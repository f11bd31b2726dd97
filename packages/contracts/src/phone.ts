import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Normalizes a phone number to E.164, reading national numbers as US ones. Returns null for anything that is
 * not a plausible phone number (Aloware puts `client:agent…` legs in phone-shaped fields).
 */
// Already E.164 in the North American plan: what the parse below would return, at a fraction of the cost (it is
// the common case: GHL and Aloware send such numbers, and the ingress normalizes one or two per webhook).
const NANP_E164 = /^\+1\d{10}$/;

export function toE164(value: unknown, defaultCountry: 'US' = 'US'): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (NANP_E164.test(text)) return text;
  if (text === '' || /[a-z]/i.test(text)) return null;
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  // isPossible, not isValid: test and fictional ranges (555-01XX) must still map to one key.
  return parsed?.isPossible() ? parsed.number : null;
}
