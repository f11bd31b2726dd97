import type { CallDetails } from './call-details.ts';

/** The first line of every call note: how a note is recognized as ours, and for which call. */
export const noteMarker = (callId: string) => `Aloware call #${callId}`;

function duration(seconds: number | null): string | null {
  if (seconds === null) return null;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function when(iso: string | null, timeZone: string): string | null {
  if (!iso) return null;
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The note a sales rep reads in GHL: what happened on the call, in plain lines, empty facts left out. */
export function renderCallNote(call: CallDetails, timeZone: string): string {
  const direction = call.direction ? `${capitalized(call.direction)} call` : 'Call';
  const lines: Array<[string, string | number | null]> = [
    ['When', when(call.startedAt, timeZone)],
    ['Duration', duration(call.durationSeconds)],
    ['Talk time', duration(call.talkTimeSeconds)],
    ['Agent', call.agent?.name ?? call.agent?.email ?? null],
    ['Outcome', call.dispositionStatus],
    ['Disposition', call.disposition],
    ['Status', call.status],
    // Aloware sends 0 for "not rated".
    ['CSAT', call.csatScore || null],
    ['Recording', call.recordingUrl],
    ['Voicemail', call.voicemailUrl],
  ];
  const body = [
    `${noteMarker(call.callId)}: ${direction}${call.contactName ? ` with ${call.contactName}` : ''}`,
  ];
  for (const [label, value] of lines) if (value !== null && value !== '') body.push(`${label}: ${value}`);
  if (call.summary) body.push('', 'Summary:', call.summary);
  else if (call.transcription) body.push('', 'Transcript:', call.transcription);
  return body.join('\n');
}

/** `Call: <disposition>` and the direction tag; GHL stores tags lower-case, so these are compared that way. */
export function callTags(call: CallDetails): string[] {
  const tags: string[] = [];
  if (call.direction) tags.push(call.direction === 'inbound' ? 'Inbound Call' : 'Outbound Call');
  const outcome = call.disposition ?? call.dispositionStatus;
  if (outcome) tags.push(`Call: ${outcome}`);
  return tags;
}
