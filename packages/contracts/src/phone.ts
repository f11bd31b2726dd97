import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Normalizes a phone number to E.164, reading national numbers as US ones. Returns null for anything that is
 * not a plausible phone number (Aloware puts `client:agent…` legs in phone-shaped fields).
 */
export function toE164(value: unknown, defaultCountry: 'US' = 'US'): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (text === '' || /[a-z]/i.test(text)) return null;
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  // isPossible, not isValid: test and fictional ranges (555-01XX) must still map to one key.
  return parsed?.isPossible() ? parsed.number : null;
}
