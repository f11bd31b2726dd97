import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ajvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { normalizeAloware } from '../src/normalizers/aloware.ts';
import { normalizeGhl } from '../src/normalizers/ghl.ts';
import { normalizeTexting } from '../src/normalizers/texting.ts';
import { alowareFixture, alowareFixtureFiles, fixedNow, ghlExamples, wrap } from './fixtures.ts';

// Ajv 7 without options, as the schema registry client compiles it; CommonJS interop differs per loader.
type AjvClass = typeof ajvModule.default;
const Ajv: AjvClass = (ajvModule as { default?: AjvClass }).default ?? (ajvModule as unknown as AjvClass);

const schemaFile = fileURLToPath(new URL('../../../schemas/event-envelope.json', import.meta.url));
const validate = new Ajv().compile(JSON.parse(readFileSync(schemaFile, 'utf8')));

const texting = {
  eventType: 'message.received',
  messageId: 'tx-1',
  from: '+12025550142',
  to: '+12025550199',
  body: 'STOP',
  timestamp: '2026-03-02T15:04:05.000Z',
  mediaUrls: [],
  raw: { chatMessageId: 'cm-1' },
};

const envelopes = [
  ...alowareFixtureFiles().flatMap((file) => {
    const raw = alowareFixture(file);
    return normalizeAloware(raw, { timeZone: 'America/New_York', now: fixedNow }).map((d) =>
      wrap(d, 'aloware', raw),
    );
  }),
  ...ghlExamples().flatMap(({ body }) =>
    normalizeGhl(body, { now: fixedNow }).map((d) => wrap(d, 'ghl', body)),
  ),
  ...normalizeTexting(texting, { now: fixedNow, defaultTenant: 't' }).map((d) => wrap(d, 'texting', texting)),
];

describe('schemas/event-envelope.json', () => {
  it('covers many normalized events', () => {
    expect(new Set(envelopes.map((e) => e.type)).size).toBeGreaterThan(20);
  });

  it.each(envelopes.map((e) => [e.type, e.sourceEventName, e] as const))(
    'accepts the %s envelope of %s as it goes over the wire',
    (_type, _name, envelope) => {
      const wire = JSON.parse(JSON.stringify(envelope));
      expect(validate(wire), JSON.stringify(validate.errors)).toBe(true);
    },
  );
});
