import { EventEnvelope } from '@df/contracts';
import { describe, expect, it } from 'vitest';
import { normalizeTexting } from '../src/normalizers/texting.ts';
import { fixedNow, wrap } from './fixtures.ts';

const options = { now: fixedNow, defaultTenant: 'texting-main' };

// texting-api.md §1, the existing system's shape.
const received = {
  eventType: 'message.received',
  messageId: 'tx-msg-1',
  conversationId: 'chat-1',
  direction: 'inbound',
  from: '+12025550142',
  to: '+12025550199',
  body: 'Yes, call me tomorrow',
  timestamp: '2026-03-02T15:04:05.000Z',
  status: 'received',
  mediaUrls: [],
  raw: { telnyxMessageId: 'tel-1', chatId: 'chat-1', chatMessageId: 'cm-1' },
};

function types(body: Record<string, unknown>) {
  return normalizeTexting(body, options).map((d) => d.type);
}

describe('normalizeTexting', () => {
  it('maps an inbound text', () => {
    const drafts = normalizeTexting(received, options);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      type: 'sms.received',
      sourceEventName: 'message.received',
      tenant: 'texting-main',
      entity: { type: 'message', id: 'tx-msg-1' },
      naturalKey: '+12025550142',
      occurredAt: '2026-03-02T15:04:05.000Z',
      dedupeKey: 'texting:message.received:tx-msg-1',
      data: {
        messageId: 'tx-msg-1',
        conversationId: 'chat-1',
        contactPhone: '+12025550142',
        from: '+12025550142',
        to: '+12025550199',
        body: 'Yes, call me tomorrow',
        direction: 'inbound',
        error: null,
      },
    });
  });

  it('normalizes phones that arrive unnormalized', () => {
    const [draft] = normalizeTexting({ ...received, from: '(202) 555-0142', to: '202.555.0199' }, options);
    expect(draft?.data).toMatchObject({ from: '+12025550142', to: '+12025550199' });
  });

  it.each([
    ['stop ', 'consent.opted_out'],
    ['OPT OUT', 'consent.opted_out'],
    ['Start', 'consent.opted_in'],
    ['help', 'consent.help_requested'],
  ])('adds a consent event to the inbound text %j', (body, consent) => {
    const drafts = normalizeTexting({ ...received, body }, options);
    expect(drafts.map((d) => d.type)).toEqual(['sms.received', consent]);
    expect(drafts[1]).toMatchObject({
      naturalKey: '+12025550142',
      data: { phone: '+12025550142', messageId: 'tx-msg-1' },
    });
  });

  it('does not read a sentence as a keyword', () => {
    expect(types({ ...received, body: 'Stop please' })).toEqual(['sms.received']);
  });

  it('keeps the send id of an outbound text, which recognizes echoes of our own sends', () => {
    const sent = {
      ...received,
      eventType: 'message.sent',
      direction: 'outbound',
      from: '+12025550199',
      to: '+12025550142',
      status: 'sent',
    };
    const [draft] = normalizeTexting(sent, options);
    expect(draft).toMatchObject({ type: 'sms.sent', naturalKey: '+12025550142' });
    expect(draft?.data).toMatchObject({
      chatMessageId: 'cm-1',
      contactPhone: '+12025550142',
      direction: 'outbound',
    });
    expect(types({ ...sent, body: 'STOP' })).toEqual(['sms.sent']);
  });

  it('maps delivery and failure reports', () => {
    expect(
      types({ ...received, eventType: 'message.delivered', direction: 'outbound', status: 'delivered' }),
    ).toEqual(['sms.delivered']);
    const [failed] = normalizeTexting(
      {
        ...received,
        eventType: 'message.failed',
        direction: 'outbound',
        errorCode: '30007',
        errorMessage: 'Carrier filtered',
      },
      options,
    );
    expect(failed).toMatchObject({
      type: 'sms.failed',
      data: { error: { code: '30007', message: 'Carrier filtered' } },
    });
  });

  it.each([
    ['optout.stop', 'consent.opted_out'],
    ['optout.start', 'consent.opted_in'],
    ['optout.help', 'consent.help_requested'],
  ])('maps %s to %s', (eventType, type) => {
    const [draft] = normalizeTexting(
      { eventType, from: '2025550142', to: '+12025550199', body: 'STOP', timestamp: received.timestamp },
      options,
    );
    expect(draft).toMatchObject({
      type,
      entity: { type: 'contact', id: null },
      naturalKey: '+12025550142',
      data: { phone: '+12025550142', channel: 'sms' },
    });
  });

  it('turns other events into unknown events', () => {
    expect(
      normalizeTexting({ eventType: 'conversation.created', conversationId: 'chat-2' }, options),
    ).toMatchObject([
      {
        type: 'unknown',
        occurredAt: '2026-03-02T15:04:06.000Z',
        data: { reason: 'unsupported texting event conversation.created' },
      },
    ]);
    expect(types({ hello: 'world' })).toEqual(['unknown']);
  });

  it('dedupes on event type and message id, or the content when there is no id', () => {
    const { messageId: _, ...withoutId } = received;
    const key = (body: Record<string, unknown>) => normalizeTexting(body, options)[0]?.dedupeKey;
    expect(key(withoutId)).toBe(key({ ...withoutId }));
    expect(key(withoutId)).not.toBe(key({ ...withoutId, body: 'Another text' }));
    expect(key({ ...received, eventType: 'message.delivered' })).not.toBe(key(received));
  });

  it('takes the account from the body when it names one', () => {
    expect(normalizeTexting({ ...received, accountId: 'acct-7' }, options)[0]?.tenant).toBe('acct-7');
  });

  it('produces drafts that parse as envelopes', () => {
    for (const draft of normalizeTexting({ ...received, body: 'STOP' }, options)) {
      expect(EventEnvelope.parse(wrap(draft, 'texting', received))).toMatchObject(draft);
    }
  });

  it.each([null, 'message.received', 3])('throws on a non-object body %j', (body) => {
    expect(() => normalizeTexting(body)).toThrow('texting webhook body must be a JSON object');
  });
});
