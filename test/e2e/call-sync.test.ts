import { alowareFixture } from '@df/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

// Short quiet period: a call's burst of webhooks settles in well under a second here.
const callSync = { quietMs: 400, maxDelayMs: 5000 };
let phoneCounter = 300;
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;

const contactIn = (s: TestSystem, phone: string) =>
  s.simulators!.ghl.contacts().filter((c) => c.phone === phone);
const notesOf = (s: TestSystem, phone: string) => {
  const [contact] = contactIn(s, phone);
  return contact ? s.simulators!.ghl.notes(contact.id) : [];
};
const noteWrites = (s: TestSystem) =>
  s.simulators!.ghl.requests.filter((r) => /\/notes/.test(r.path) && r.method !== 'GET' && r.status < 300);
const settledCalls = (s: TestSystem) =>
  s.database.db.selectFrom('call_notes').select(['call_id', 'dirty', 'skipped_reason']).execute();

describe('call-sync, end to end (real Kafka, registry, Postgres; simulated tools)', () => {
  it('turns the six webhooks of an answered outbound call into one complete note and two tags', async () => {
    system = await startTestSystem({ callSync });
    const s = system;
    const phone = nextPhone();
    const call = s.simulators!.aloware.placeOutboundCall({
      contactPhone: phone,
      callDisposition: 'Call back',
      summary: 'Interested in the fund; call back Friday.',
    });
    expect(call.events).toHaveLength(6);
    await waitFor(
      'the call note with the summary',
      () => notesOf(s, phone)[0]?.body.includes('call back Friday'),
      {
        timeoutMs: 30_000,
      },
    );
    await waitFor('the call to be settled', async () => (await settledCalls(s)).every((c) => !c.dirty));

    // The contact was new: contact-sync and call-sync both needed it, GHL has it once.
    expect(contactIn(s, phone)).toHaveLength(1);
    const notes = notesOf(s, phone);
    expect(notes).toHaveLength(1);
    const body = notes[0]!.body;
    expect(body).toMatch(new RegExp(`^Aloware call #${call.communicationId}: Outbound call`));
    for (const line of [
      'When: ',
      'Duration: ',
      'Talk time: 1 min 3 s',
      'Agent: ',
      'Disposition: Call back',
      'Recording: http',
    ]) {
      expect(body).toContain(line);
    }
    expect(contactIn(s, phone)[0]!.tags).toEqual(
      expect.arrayContaining(['outbound call', 'call: call back']),
    );
    // Coalesced: one create, at most one update for the whole burst.
    expect(noteWrites(s).filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(noteWrites(s).filter((r) => r.method === 'PUT').length).toBeLessThanOrEqual(1);
  });

  it('makes the same single note from duplicated, reordered deliveries (recording before disposition)', async () => {
    system = await startTestSystem({ callSync });
    const s = system;
    const deliveries = [
      'recording-saved.json',
      'call-summarized.json',
      'outbound-call-initiated.json',
      'recording-saved.json',
      'call-disposed.json',
      'outbound-call-completed.json',
      'outbound-call-initiated.json',
      'transcription-open-search-saved.json',
      'call-disposed.json',
    ];
    const { alowareUser, alowarePass } = s.webhookCredentials;
    const auth = `Basic ${Buffer.from(`${alowareUser}:${alowarePass}`).toString('base64')}`;
    for (const file of deliveries) {
      const response = await fetch(`${s.ingressUrl}/webhooks/aloware`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(alowareFixture(file)),
      });
      expect(response.status, file).toBe(200);
    }
    const phone = '+12025550142';
    await waitFor('the call to be settled', async () => {
      const calls = await settledCalls(s);
      return calls.length === 1 && !calls[0]!.dirty;
    });
    const notes = notesOf(s, phone);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain('Recording: ');
    expect(notes[0]!.body).toContain('Summary:');
    expect(notes[0]!.body).toMatch(/Aloware call #940868601: Outbound call/);
    expect(contactIn(s, phone)).toHaveLength(1);
  });

  it('notes a missed inbound call and a failed outbound call with their own tags', async () => {
    system = await startTestSystem({ callSync });
    const s = system;
    const missedPhone = nextPhone();
    const failedPhone = nextPhone();
    s.simulators!.aloware.receiveInboundCall({ contactPhone: missedPhone, answered: false });
    s.simulators!.aloware.placeOutboundCall({ contactPhone: failedPhone, answered: false });
    await waitFor(
      'both notes',
      () => notesOf(s, missedPhone).length === 1 && notesOf(s, failedPhone).length === 1,
      {
        timeoutMs: 30_000,
      },
    );
    await waitFor('both calls settled', async () => (await settledCalls(s)).every((c) => !c.dirty));
    expect(notesOf(s, missedPhone)[0]!.body).toMatch(/Inbound call/);
    expect(notesOf(s, missedPhone)[0]!.body).toMatch(/Outcome: missed/i);
    expect(contactIn(s, missedPhone)[0]!.tags).toEqual(expect.arrayContaining(['inbound call']));
    expect(contactIn(s, missedPhone)[0]!.tags.some((t) => t.startsWith('call: '))).toBe(true);
    expect(notesOf(s, failedPhone)[0]!.body).toMatch(/Outbound call/);
    expect(contactIn(s, failedPhone)[0]!.tags).toEqual(expect.arrayContaining(['outbound call']));
    expect(contactIn(s, failedPhone)[0]!.tags.some((t) => t.startsWith('call: '))).toBe(true);
  });

  it('retries a GHL 5xx during the note update and ends with the complete note', async () => {
    system = await startTestSystem({ callSync });
    const s = system;
    const { alowareUser, alowarePass } = s.webhookCredentials;
    const post = (file: string) =>
      fetch(`${s.ingressUrl}/webhooks/aloware`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${alowareUser}:${alowarePass}`).toString('base64')}`,
        },
        body: JSON.stringify(alowareFixture(file)),
      });
    const phone = '+12025550142';
    await post('outbound-call-initiated.json');
    await post('outbound-call-completed.json');
    await waitFor('the first note', () => notesOf(s, phone).length === 1, { timeoutMs: 30_000 });
    await waitFor('the call settled', async () => (await settledCalls(s)).every((c) => !c.dirty));

    s.simulators!.ghl.failNext(2, { status: 503, method: 'PUT', path: /\/notes\// });
    await post('call-summarized.json');
    await waitFor('the summary in the note', () => notesOf(s, phone)[0]?.body.includes('Summary:'), {
      timeoutMs: 30_000,
    });
    const puts = s.simulators!.ghl.requests.filter((r) => r.method === 'PUT' && /\/notes\//.test(r.path));
    expect(puts.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(notesOf(s, phone)).toHaveLength(1);
  });
});
