import { replayedId } from '@df/replay';
import { replay } from '@df/replay-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSends, optedOut, startMessagingSystem } from './messaging-harness.ts';
import { caughtUp } from './rebuild-history.ts';
import { type TestSystem, waitFor } from './system-harness.ts';

let s: TestSystem;
const OUR_NUMBER = '+12025550100';

beforeAll(async () => {
  s = await startMessagingSystem();
}, 120_000);
afterAll(() => s?.stop());

const textsTo = (phone: string) =>
  s.simulators!.texting.requests.filter((r) => (r.body as { to?: string } | undefined)?.to === phone);

describe('replay with side effects goes through the same consent decisions (real Kafka, registry, Postgres)', () => {
  it('never texts again a number that opted out since, even with the record of the send lost', async () => {
    const phone = '+12025550171';
    const ghl = s.simulators!.ghl;
    const contact = ghl.seedContact({ firstName: 'Di', phone }, { silent: true });
    await new Promise((r) => setTimeout(r, 20)); // T strictly before the send's records
    const from = new Date();
    const messageId = await agentSends(s, contact.id, 'Your appointment is at 3');
    await waitFor(
      'the text delivered',
      () => ghl.messages().find((m) => m.id === messageId)?.status === 'delivered',
    );
    expect(textsTo(phone)).toHaveLength(1);

    s.simulators!.texting.receiveInbound({ from: phone, to: OUR_NUMBER, body: 'STOP' });
    await waitFor('the opt-out recorded', async () => (await optedOut(s, phone))?.opted_out === true);
    // A restore from an old backup lost messaging-relay's record of the send (its intent row).
    await s.database.db.deleteFrom('messaging_messages').where('phone', '=', phone).execute();

    const request = {
      runId: crypto.randomUUID(),
      group: 'messaging-relay' as const,
      from,
      filter: { types: ['sms.send_requested'] },
    };
    const planned = await replay(s.infra, { ...request, dryRun: true });
    const original = planned.sample.find((r) => r.entityId === messageId);
    expect(original).toBeDefined();
    await replay(s.infra, request);
    const copy = replayedId(request.runId, original!.replayOf);
    const refusal = await waitFor('the copy refused for consent', () =>
      s.database.db
        .selectFrom('sync_log')
        .select(['status', 'error_message'])
        .where('event_id', '=', copy)
        .where('service', '=', 'messaging-relay')
        .executeTakeFirst(),
    );
    expect(refusal).toEqual({ status: 'skipped', error_message: 'opted_out' });
    await waitFor('messaging-relay at the end of its replay topic', () =>
      caughtUp(s.infra, 'messaging-relay', ['messaging-relay.replay']),
    );
    expect(textsTo(phone)).toHaveLength(1);
  });
});
