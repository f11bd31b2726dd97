import { randomUUID } from 'node:crypto';
import { type EventDraft, type EventEnvelope, type EventSource, toEnvelope } from '@df/contracts';

export { alowareFixture, alowareFixtureFiles, ghlExample, ghlExamples } from '@df/test-kit';

export function wrap(draft: EventDraft, source: EventSource, raw: unknown): EventEnvelope {
  return toEnvelope(draft, {
    id: randomUUID(),
    source,
    receivedAt: '2026-03-02T15:04:06.000Z',
    correlationId: randomUUID(),
    raw,
  });
}

export const fixedNow = () => new Date('2026-03-02T15:04:06.000Z');
