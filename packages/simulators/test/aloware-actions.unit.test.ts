import { describe, expect, it } from 'vitest';
import {
  envelope,
  fixtureFor,
  fixtureUsers,
  get,
  post,
  receiver,
  sim,
  useAlowareSimulator,
} from './aloware-harness.ts';
import { shapeDiff } from './aloware-receiver.ts';

useAlowareSimulator();

describe('SMS, power dialer, sequences, users, two-legged call', () => {
  it('accepts an SMS with 202 and reports the outcome later as an OutboundSMS-Disposition* webhook', async () => {
    await post('/forms', { phone_number: '2025550142', user_id: 120701 });
    const sent = await post('/sms-gateway/send', {
      from: '+12025550100',
      to: '2025550142',
      message: 'Hello there',
    });
    expect(sent).toMatchObject({ status: 202, json: { message: 'Message sent.' } });
    sim.failSmsTo('2025550142');
    const failing = await post('/sms-gateway/send', {
      line_id: 63901,
      to: '2025550142',
      message: 'Again',
      user_id: -1,
    });
    expect(failing.status).toBe(202);
    expect(sim.sentSms.map((s) => [s.to, s.outcome, s.userId])).toEqual([
      ['+12025550142', 'delivered', 120701],
      ['+12025550142', 'invalid', null],
    ]);
    await sim.idle();
    const events = receiver.received.map(envelope).filter((e) => e.event.includes('SMS'));
    expect(events.map((e) => e.event)).toEqual([
      'OutboundSMS-DispositionCompleted',
      'OutboundSMS-DispositionInvalid',
    ]);
    expect(shapeDiff(events[0], fixtureFor('OutboundSMS-DispositionCompleted'))).toEqual([]);
    expect(shapeDiff(events[1], fixtureFor('OutboundSMS-DispositionInvalid'))).toEqual([]);
    expect(events[1]!.body).toMatchObject({
      current_status2: 19,
      disposition_status2: 7,
      type: 2,
      direction: 2,
    });
    expect(events[1]!.body.owner_id).toBe(-1);

    const invalid = await post('/sms-gateway/send', { from: '+12025550100', to: 'x', message: '' });
    expect(invalid.status).toBe(422);
    expect(invalid.json).toHaveProperty('errors.to');
  });

  it('removes a contact from every power-dialer list and clears lists', async () => {
    for (const id of [800, 801]) sim.createList({ id, name: `List ${id}` });
    await post('/forms', {
      phone_number: '2025550142',
      list_ids: '800,801',
      user_id: 120701,
      add_to_powerdialer: 1,
    });
    const id = sim.contact('2025550142')!.id;
    expect(await post('/powerdialer-remove-contact-from-lists', { contact_id: String(id) })).toMatchObject({
      status: 200,
      json: { message: 'The contact has been removed from the Power Dialer lists.' },
    });
    expect(sim.lists().every((l) => !l.contactIds.includes(id))).toBe(true);
    expect(await post('/powerdialer-remove-contact-from-lists', { contact_id: '999' })).toMatchObject({
      status: 404,
      json: { message: 'The requested contact id does not exist.' },
    });
    await post('/forms', {
      phone_number: '2025550143',
      list_ids: '800',
      user_id: 120701,
      add_to_powerdialer: 1,
    });
    expect((await post('/powerdialer-clear-list', { list_id: '800' })).status).toBe(200);
    expect(sim.lists().find((l) => l.id === 800)?.contactIds).toEqual([]);
    expect((await post('/powerdialer-clear-list', { list_id: '9999' })).status).toBe(404);
    expect((await post('/powerdialer-clear-user-lists', { user_id: '120701' })).status).toBe(200);
    expect(sim.lists().find((l) => l.userId === 120701)?.contactIds).toEqual([]);
    expect((await post('/powerdialer-clear-user-lists', { user_id: '1' })).status).toBe(404);
  });

  it('enrols and disenrols a contact in a sequence', async () => {
    await post('/forms', { phone_number: '2025550142' });
    const id = sim.contact('2025550142')!.id;
    expect(
      await post('/sequence-enroll', {
        sequence_id: '4821',
        source: 'phone_number',
        phone_number: '+12025550142',
      }),
    ).toMatchObject({ status: 200, json: { message: 'Contact is successfully enrolled in the sequence.' } });
    expect(sim.contact(id)?.sequence_id).toBe(4821);
    expect((await post('/sequence-enroll', { sequence_id: '4822', source: 'aloware', id })).status).toBe(400);
    expect(
      (await post('/sequence-enroll', { sequence_id: '4822', source: 'aloware', id, force_enroll: 1 }))
        .status,
    ).toBe(200);
    expect(sim.contact(id)?.sequence_id).toBe(4822);
    expect(await post('/sequence-disenroll', { source: 'aloware', id })).toMatchObject({
      status: 200,
      json: { message: 'Contact is successfully disenrolled from the sequence.' },
    });
    expect(
      await post('/sequence-disenroll', { source: 'phone_number', phone_number: '2025550142' }),
    ).toMatchObject({
      status: 400,
      json: { message: 'The contact is not enrolled in any sequence.' },
    });
  });

  it('lists users with agent status', async () => {
    const users = await get('/users');
    expect(users.status).toBe(200);
    expect(users.json).toEqual(fixtureUsers());
    sim.setUserStatus(120702, 4);
    expect(((await get('/users')).json as Array<Record<string, unknown>>)[1]).toMatchObject({
      agent_status: 4,
      human_readable_agent_status: 'On Call',
    });
  });

  it('establishes a two-legged call (202) or answers 422 when no agent is available', async () => {
    const ok = await post('/two-legged-call', {
      user_id: '120701',
      contact_phone_number: '+12025550142',
      line_phone_number: '+12025550100',
    });
    expect(ok).toMatchObject({ status: 202, json: { message: 'Two legged call established.' } });
    const busy = await post('/two-legged-call', { user_id: '120702', contact_phone_number: '+12025550142' });
    expect(busy.status).toBe(422);
    expect(busy.json).toEqual({
      errors: {
        user: ['Oops! Looks like we can not find any available inbox users. Please try again later.'],
      },
    });
    await sim.idle();
    const calls = receiver.received.map(envelope).filter((e) => e.event.startsWith('OutboundPhoneCall'));
    expect(calls[0]?.body.creator_type).toBe(2);
  });
});
