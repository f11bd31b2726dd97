import { readFileSync } from 'node:fs';
import ajvModule from 'ajv';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../src/generate-schemas.ts';
import {
  CONSUMER_GROUPS,
  Command,
  ContactMapped,
  contactMappedId,
  contactMappedKey,
  detectConsentKeyword,
  EVENT_TYPES,
  EventEnvelope,
  recordKey,
  renderSchemaDocument,
  replayTopic,
  SyncOutcome,
  schemaDocuments,
  subjectFor,
  TOPIC_DECLARATIONS,
  TOPICS,
  toE164,
  toEnvelope,
  topicForSource,
} from '../src/index.ts';

// The same Ajv major and options (none: strict mode, no formats) the schema registry client compiles with.
// Ajv 7 is CommonJS: Node's ESM loader hands over `module.exports`, vitest's interop the class itself.
type AjvClass = typeof ajvModule.default;
const Ajv: AjvClass = (ajvModule as { default?: AjvClass }).default ?? (ajvModule as unknown as AjvClass);

const smsReceived = toEnvelope(
  {
    type: 'sms.received',
    sourceEventName: 'message.received',
    tenant: 'acct-1',
    entity: { type: 'message', id: 'm-1' },
    naturalKey: '+12025550142',
    occurredAt: '2026-03-02T15:04:05.000Z',
    dedupeKey: 'texting:message.received:m-1',
    data: {
      messageId: 'm-1',
      chatMessageId: null,
      conversationId: 'chat-9',
      alowareContactId: null,
      ghlContactId: null,
      contactPhone: '+12025550142',
      from: '+12025550142',
      to: '+12025550199',
      body: 'Yes, call me tomorrow',
      direction: 'inbound',
      status: 'received',
      error: null,
      mediaUrls: [],
      agentId: null,
      sentAt: '2026-03-02T15:04:05.000Z',
    },
  },
  {
    id: '7d0f7a3e-2b1c-4f5e-9a8b-1c2d3e4f5a6b',
    source: 'texting',
    receivedAt: '2026-03-02T15:04:06.123Z',
    correlationId: 'corr-1',
    raw: { eventType: 'message.received', nested: [1, 'two', null] },
  },
);

const command: Command = {
  id: '0e9c2a54-1b7d-4c3e-8f6a-5b4c3d2e1f00',
  type: 'replay.requested',
  tenant: 'loc-1',
  requestedAt: '2026-03-02T15:04:05Z',
  requestedBy: 'operator@example.com',
  correlationId: 'corr-2',
  data: { group: 'contact-sync', from: '2026-03-01T00:00:00Z', mode: 'projections_only' },
};

const outcome: SyncOutcome = {
  id: '5f1e2d3c-4b5a-4697-8887-766554433221',
  service: 'contact-sync',
  correlationId: 'corr-1',
  eventId: '7d0f7a3e-2b1c-4f5e-9a8b-1c2d3e4f5a6b',
  tenant: 'loc-1',
  entity: { type: 'contact', id: 'ghl-1' },
  direction: 'aloware_to_ghl',
  action: 'skipped',
  reason: 'echo',
  target: { system: 'ghl', id: 'ghl-1' },
  at: '2026-03-02T15:04:07.000Z',
};

const mapped: ContactMapped = {
  id: contactMappedId('map-1', 2),
  type: 'contact.mapped',
  tenant: 'loc-1',
  mappingId: 'map-1',
  version: 2,
  alowareContactId: '42',
  ghlContactId: 'ghl-1',
  phone: '+12025550142',
  email: null,
  closed: false,
  at: '2026-03-02T15:04:07.000Z',
};

function committedSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${SCHEMAS_DIR}${file}`, 'utf8'));
}

describe('detectConsentKeyword', () => {
  it.each([
    ['STOP', 'STOP', 'opted_out'],
    ['stop ', 'STOP', 'opted_out'],
    ['  Quit\n', 'QUIT', 'opted_out'],
    ['end', 'END', 'opted_out'],
    ['Revoke', 'REVOKE', 'opted_out'],
    ['opt out', 'OPT OUT', 'opted_out'],
    ['OPT   OUT', 'OPT OUT', 'opted_out'],
    ['opt-out', 'OPT OUT', 'opted_out'],
    ['Cancel', 'CANCEL', 'opted_out'],
    ['UNSUBSCRIBE', 'UNSUBSCRIBE', 'opted_out'],
    ['Stop.', 'STOP', 'opted_out'],
    ['start', 'START', 'opted_in'],
    ['Unstop', 'UNSTOP', 'opted_in'],
    ['help', 'HELP', 'help_requested'],
    ['stopall', 'STOPALL', 'opted_out'],
    ['Stop all', 'STOP ALL', 'opted_out'],
    ['OptOut', 'OPTOUT', 'opted_out'],
    ['info', 'INFO', 'help_requested'],
  ])('reads %j as %s', (body, keyword, action) => {
    expect(detectConsentKeyword(body)).toEqual({ keyword, action });
  });

  it.each([
    'Stop please',
    'please stop',
    'STOP calling me',
    'I need help',
    'stopped',
    '',
    'Reply STOP to opt out',
  ])('does not read %j as a keyword', (body) => {
    expect(detectConsentKeyword(body)).toBeNull();
  });

  it('ignores a missing body', () => {
    expect(detectConsentKeyword(null)).toBeNull();
    expect(detectConsentKeyword(undefined)).toBeNull();
  });
});

describe('toE164', () => {
  it.each([
    ['(202) 555-0142', '+12025550142'],
    ['202-555-0142', '+12025550142'],
    ['12025550142', '+12025550142'],
    ['+1 202 555 0142', '+12025550142'],
    ['+919509597501', '+919509597501'],
  ])('normalizes %j', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['client:agent120701', '', '12', 'not a phone', null, undefined, {}])('rejects %j', (input) => {
    expect(toE164(input)).toBeNull();
  });

  it('answers North American E.164 input exactly as the full parse does (the fast path)', () => {
    // Every leading digit and a spread of the rest, including ranges no real number uses.
    const inputs = Array.from({ length: 2000 }, (_, i) => {
      const digits = String(i * 4_999_999 + (i % 10) * 1_000_000_007)
        .padStart(10, '0')
        .slice(-10);
      return `+1${digits}`;
    });
    for (const input of inputs) {
      const parsed = parsePhoneNumberFromString(input, 'US');
      expect(toE164(input), input).toBe(parsed?.isPossible() ? parsed.number : null);
    }
  });
});

describe('topics', () => {
  it('declares every source and shared topic with six partitions kept forever', () => {
    for (const name of Object.values(TOPICS)) {
      expect(TOPIC_DECLARATIONS).toContainEqual(
        expect.objectContaining({
          name,
          partitions: 6,
          configs: expect.objectContaining({ 'retention.ms': '-1' }),
        }),
      );
    }
  });

  it('declares one single-partition dead-letter topic per consumer group', () => {
    const dlqs = TOPIC_DECLARATIONS.filter((t) => t.name.endsWith('.dlq'));
    expect(dlqs.map((t) => t.name).sort()).toEqual(
      [
        'audit.dlq',
        'backfill.dlq',
        'call-sync.dlq',
        'contact-sync.dlq',
        'ghl-app.dlq',
        'list-sync.dlq',
        'messaging-relay.dlq',
        'replay.dlq',
      ].sort(),
    );
    expect(dlqs.every((t) => t.partitions === 1)).toBe(true);
  });

  it('declares one replay topic per consumer group, read by that group alone', () => {
    const replays = TOPIC_DECLARATIONS.filter((t) => t.name.endsWith('.replay'));
    expect(replays.map((t) => t.name).sort()).toEqual(CONSUMER_GROUPS.map((g) => replayTopic(g)).sort());
    expect(replayTopic('contact-sync')).toBe('contact-sync.replay');
  });

  it('routes sources to their topic and names subjects after the topic', () => {
    expect(topicForSource('aloware')).toBe('aloware.events.v1');
    expect(topicForSource('ghl')).toBe('ghl.events.v1');
    expect(topicForSource('texting')).toBe('texting.events.v1');
    expect(subjectFor(TOPICS.commands)).toBe('commands.v1-value');
  });

  it('keys records by tenant and natural key', () => {
    expect(recordKey(smsReceived)).toBe('acct-1:+12025550142');
  });
});

describe('EventEnvelope', () => {
  it('parses an envelope built from a draft', () => {
    expect(EventEnvelope.parse(smsReceived)).toEqual(smsReceived);
  });

  it('rejects data that belongs to another event type', () => {
    const wrong = { ...smsReceived, type: 'call.completed' };
    expect(EventEnvelope.safeParse(wrong).success).toBe(false);
  });

  it('rejects a local time without a zone', () => {
    expect(EventEnvelope.safeParse({ ...smsReceived, occurredAt: '2026-03-02 15:04:05' }).success).toBe(
      false,
    );
  });

  it('knows every normalized type once', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining(['contact.dnd_changed', 'consent.opted_out', 'unknown']),
    );
  });
});

describe('Command and SyncOutcome', () => {
  it('parse valid records', () => {
    expect(Command.parse(command)).toEqual(command);
    expect(SyncOutcome.parse(outcome)).toEqual(outcome);
  });

  it('require the target of a contact sync to name how it is found', () => {
    const sync = {
      ...command,
      type: 'contact.sync_requested',
      data: { target: { by: 'phone', phone: '+12025550142' } },
    };
    expect(Command.safeParse(sync).success).toBe(true);
    expect(Command.safeParse({ ...sync, data: { target: { by: 'phone' } } }).success).toBe(false);
  });
});

describe('ContactMapped', () => {
  it('parses a fact and derives the same id for the same mapping version', () => {
    expect(ContactMapped.parse(mapped)).toEqual(mapped);
    expect(contactMappedId('map-1', 2)).toBe(mapped.id);
    expect(contactMappedId('map-1', 3)).not.toBe(mapped.id);
  });

  it('keys a person by tenant and phone, else Aloware id, else the mapping', () => {
    expect(contactMappedKey(mapped)).toBe('loc-1:+12025550142');
    expect(contactMappedKey({ ...mapped, phone: null })).toBe('loc-1:aloware:42');
    expect(contactMappedKey({ ...mapped, phone: null, alowareContactId: null })).toBe('loc-1:mapping:map-1');
  });

  it('rejects a fact without a version', () => {
    expect(ContactMapped.safeParse({ ...mapped, version: 0 }).success).toBe(false);
  });
});

describe('generated JSON schemas', () => {
  it.each(schemaDocuments().map((d) => [d.file, d] as const))(
    'schemas/%s is up to date (run `npm run schemas`)',
    (file, document) => {
      expect(readFileSync(`${SCHEMAS_DIR}${file}`, 'utf8')).toBe(renderSchemaDocument(document));
    },
  );

  it('are draft-07 documents registered for every topic', () => {
    const documents = schemaDocuments();
    expect(documents.every((d) => d.schema.$schema === 'http://json-schema.org/draft-07/schema#')).toBe(true);
    expect(documents.flatMap((d) => d.subjectTopics).sort()).toEqual(Object.values(TOPICS).sort());
  });

  it('accept valid records under the registry client’s Ajv', () => {
    const ajv = new Ajv();
    for (const [file, value] of [
      ['event-envelope.json', smsReceived],
      ['command.json', command],
      ['sync-outcome.json', outcome],
      ['contact-mapped.json', mapped],
    ] as const) {
      const validate = ajv.compile(committedSchema(file));
      expect(validate(JSON.parse(JSON.stringify(value))), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('reject invalid envelopes', () => {
    const validate = new Ajv().compile(committedSchema('event-envelope.json'));
    expect(validate({ ...smsReceived, id: 'not-a-uuid' })).toBe(false);
    expect(validate({ ...smsReceived, occurredAt: '2026-03-02 15:04:05' })).toBe(false);
    expect(validate({ ...smsReceived, data: { ...smsReceived.data, contactPhone: '202-555-0142' } })).toBe(
      false,
    );
    expect(validate({ ...smsReceived, type: 'contact.updated' })).toBe(false);
  });
});
