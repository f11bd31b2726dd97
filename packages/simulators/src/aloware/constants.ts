/** The simulated account's defaults, Aloware's event and Lead-API vocabularies, and small value helpers. */
import { timingSafeEqual } from 'node:crypto';
import type { FixtureEvent, JsonObject } from './fixtures.ts';
import type { AlowareUser, CallDisposition } from './types.ts';

export const DEFAULT_TOKEN = 'TEST-TOKEN-0001';

export const DEFAULT_USERS: AlowareUser[] = [
  {
    id: 120701,
    name: 'Grace Example',
    email: 'grace.example@example.com',
    agent_status: 1,
    human_readable_agent_status: 'Available',
  },
  {
    id: 120702,
    name: 'Alan Example',
    email: 'alan.example@example.com',
    agent_status: 0,
    human_readable_agent_status: 'Offline',
  },
];

export const AGENT_STATUS_NAMES = [
  'Offline',
  'Available',
  'Busy',
  'On Break',
  'On Call',
  'Wrap-up',
  'Ringing',
];

export const DEFAULT_DISPOSITIONS: CallDisposition[] = [
  { id: 31205, name: 'Call back' },
  { id: 31203, name: 'Interested' },
  { id: 31207, name: 'No Answer' },
];

/** The Laravel SPA shell the real app answers for any undocumented GET path. */
export const ALOWARE_SPA_HTML =
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Aloware</title>\n</head>\n' +
  '<body>\n<div id="app"></div>\n<script src="/js/app.js"></script>\n</body>\n</html>\n';

export const CONTACT_EVENTS = [
  'Contact-Created',
  'Contact-Updated',
  'Contact-Disposed',
  'Contact-DNC-Updated',
] as const;
export type ContactEvent = (typeof CONTACT_EVENTS)[number];

/** Canonical wire names the simulator can emit (plus the `{"test_payload":true}` ping, which has no event). */
export type AlowareEventName = FixtureEvent | 'InboundPhoneCall-DispositionVoicemail' | 'test_payload';

export const LEAD_KEYS = new Set([
  'api_token',
  'phone_number',
  'other_phone_numbers',
  'first_name',
  'last_name',
  'name',
  'email',
  'company_name',
  'lead_source',
  'timezone',
  'address',
  'city',
  'state',
  'zipcode',
  'country',
  'website',
  'notes',
  'csf1',
  'csf2',
  'date_of_birth',
  'user_id',
  'distribute_to_ring_group',
  'ring_group_id',
  'check_available_users',
  'check_available_users_with_fallback',
  'add_to_powerdialer',
  'powerdialer_position',
  'sequence_id',
  'force_update_sequence',
  'automation_id',
  'line_id',
  'tag_id',
  'tags',
  'list_ids',
  'disposition_status_id',
  'is_dnc',
  'force_update',
]);

export function flag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
  return false;
}

export function intOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isInteger(n) ? n : null;
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

export function splitList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== '');
  if (typeof value === 'string' || typeof value === 'number')
    return String(value)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  return [];
}

/** Copies `values[k]` onto `target[k]` only where the template already has key `k` (keeps key presence). */
export function fill(target: JsonObject, values: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(values)) if (key in target) target[key] = value;
  return target;
}

export function tokensEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
