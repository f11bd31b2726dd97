import type { CallData } from '@df/contracts';
import { describe, expect, it } from 'vitest';
import { type CallDetails, emptyCallData, mergeCallDetails } from '../src/domain/call-details.ts';
import { callTags, renderCallNote } from '../src/domain/note.ts';

const call = (fields: Partial<CallData>): CallData => ({
  ...emptyCallData('941089101'),
  alowareContactId: '1550919',
  contactPhone: '+12025550142',
  ...fields,
});

describe('call details and the note', () => {
  const initiated = call({
    direction: 'outbound',
    status: 'in-progress',
    startedAt: '2026-03-02T15:04:05.000Z',
  });
  const completed = call({
    direction: 'outbound',
    status: 'completed',
    dispositionStatus: 'completed',
    durationSeconds: 125,
    talkTimeSeconds: 110,
  });
  const recording = call({ recordingUrl: 'https://app.aloware.io/static/recordings/abc.mp3' });
  const summary = call({ summary: 'Interested; call back Friday.' });

  it('ends with the same details whatever order the webhooks arrive in', () => {
    const inOrder = [
      ['call.initiated', initiated],
      ['call.completed', completed],
      ['call.recording_saved', recording],
      ['call.summarized', summary],
    ] as const;
    const apply = (events: ReadonlyArray<(typeof inOrder)[number]>) => {
      let details: CallDetails | null = null;
      for (const [type, data] of events) details = mergeCallDetails(details, type, data);
      return details!;
    };
    const forward = apply(inOrder);
    const backward = apply([...inOrder].reverse());
    expect(renderCallNote(backward, 'America/New_York')).toBe(renderCallNote(forward, 'America/New_York'));
    expect(backward.status).toBe('completed');
  });

  it('reads well: direction, local start time, durations, links and the summary', () => {
    let details = mergeCallDetails(null, 'call.initiated', initiated);
    details = mergeCallDetails(details, 'call.completed', completed);
    details = mergeCallDetails(details, 'call.recording_saved', recording);
    details = mergeCallDetails(details, 'call.summarized', summary);
    expect(renderCallNote(details, 'America/New_York')).toBe(
      [
        'Aloware call #941089101: Outbound call',
        'When: Mar 2, 2026, 10:04 AM EST',
        'Duration: 2 min 5 s',
        'Talk time: 1 min 50 s',
        'Outcome: completed',
        'Status: completed',
        'Recording: https://app.aloware.io/static/recordings/abc.mp3',
        '',
        'Summary:',
        'Interested; call back Friday.',
      ].join('\n'),
    );
    expect(callTags(details)).toEqual(['Outbound Call', 'Call: completed']);
  });

  it('tags a missed inbound call', () => {
    const missed = mergeCallDetails(
      null,
      'call.missed',
      call({ direction: 'inbound', dispositionStatus: 'missed' }),
    );
    expect(callTags(missed)).toEqual(['Inbound Call', 'Call: missed']);
  });
});
