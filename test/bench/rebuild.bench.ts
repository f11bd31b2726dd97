import { randomUUID } from 'node:crypto';
import { auditProjection } from '@df/audit';
import { contactMappingsProjection } from '@df/contact-sync';
import {
  type ContactMapped,
  contactMappedId,
  contactMappedKey,
  type EventEnvelope,
  TOPICS,
} from '@df/contracts';
import { EventProducer, type OutgoingRecord } from '@df/kafka';
import { type Projection, rebuildProjection } from '@df/replay';
import type { Infrastructure } from '@df/service-runtime';
import { contactEvent, outcomeOf } from '../e2e/rebuild-history.ts';
import { argument, startBenchInfrastructure } from './harness.ts';

async function publishAll(
  infra: Infrastructure,
  producer: EventProducer,
  topic: string,
  records: OutgoingRecord[],
) {
  const prefixed = `${infra.topicPrefix}${topic}`;
  const schemaId = await infra.schemaIdFor(prefixed);
  for (let i = 0; i < records.length; i += 5000) {
    const chunk = records.slice(i, i + 5000);
    await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        producer.publish(prefixed, schemaId, chunk.slice(k * 500, (k + 1) * 500)),
      ),
    );
  }
}

/** `n` audit records: half contact events, half their outcomes. */
function auditHistory(n: number) {
  const events: EventEnvelope[] = Array.from({ length: n / 2 }, (_, i) => contactEvent(i % 5000, i % 60));
  return {
    [TOPICS.ghl]: events.map((e) => ({ key: `${e.tenant}:${e.naturalKey}`, value: e })),
    [TOPICS.outcomes]: events.map((e) => {
      const o = outcomeOf(e, 'updated');
      return { key: `${o.tenant}:${o.entity.id}`, value: o };
    }),
  };
}

/** `n` contact.mapped facts: n/4 mappings, four versions each. */
function mappingHistory(n: number) {
  const facts: ContactMapped[] = [];
  for (let i = 0; i < n / 4; i += 1) {
    const mappingId = randomUUID();
    for (let version = 1; version <= 4; version += 1) {
      facts.push({
        id: contactMappedId(mappingId, version),
        type: 'contact.mapped',
        tenant: 'loc-1',
        mappingId,
        version,
        alowareContactId: `al-${i}`,
        ghlContactId: `ghl-${i}-${version}`,
        phone: `+1303${String(i).padStart(7, '0')}`,
        email: null,
        closed: version === 4 && i % 10 === 0,
        at: new Date(Date.UTC(2026, 11, 1, 12, version)).toISOString(),
      });
    }
  }
  return { [TOPICS.contactMappings]: facts.map((f) => ({ key: contactMappedKey(f), value: f })) };
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function benchOne(
  name: string,
  projection: Projection<unknown>,
  history: Record<string, OutgoingRecord[]>,
) {
  const { infra, drop } = await startBenchInfrastructure('rebuild');
  try {
    const producer = new EventProducer(infra.kafka, infra.codec);
    await producer.connect();
    for (const [topic, records] of Object.entries(history)) await publishAll(infra, producer, topic, records);
    await producer.disconnect();
    const n = Object.values(history).reduce((sum, r) => sum + r.length, 0);
    let readAt = 0;
    // Memory: the process's peak resident set during the rebuild, over what it held before (the history too).
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const summary = await rebuildProjection(infra, projection, {
      onProgress: (p) => {
        if (p.phase === 'switching') readAt ||= performance.now();
      },
    });
    clearInterval(sampler);
    const started = performance.now() - summary.seconds * 1000;
    const readSeconds = (readAt - started) / 1000;
    const written = summary.differences.map((d) => `${d.table} ${d.differing}`).join(', ');
    console.log(
      `rebuild ${name}: ${n.toLocaleString('en')} records in ${summary.seconds.toFixed(1)} s = ${Math.round(n / summary.seconds).toLocaleString('en')} records/s (read into the shadow: ${readSeconds.toFixed(1)} s; switch into empty live tables: ${(summary.seconds - readSeconds).toFixed(1)} s, rows written: ${written}); peak RSS ${mb(peak)} MB, ${mb(peak - before)} MB over the ${mb(before)} MB before it`,
    );
    // The common case: live tables that already hold what the log makes (the switch compares, writes nothing).
    const again = await rebuildProjection(infra, projection);
    console.log(
      `rebuild ${name} again over equal live tables: ${Math.round(n / again.seconds).toLocaleString('en')} records/s (${again.seconds.toFixed(1)} s, rows written: ${again.differences.map((d) => d.differing + d.extra).join(', ')})`,
    );
  } finally {
    await drop();
  }
}

/**
 * Projection rebuild: `--events` (default 100,000) records already in the log, rebuilt from offset 0 into
 * shadow tables and switched into empty live tables (every row written twice: the worst case). Publishing is
 * not timed. Prints records/s per projection.
 */
export async function benchRebuild() {
  const n = argument('events', 100_000);
  await benchOne('audit (sync_log + ledger)', auditProjection, auditHistory(n));
  await benchOne(
    'contact-sync (contact_mappings from contact.mapped)',
    contactMappingsProjection,
    mappingHistory(n),
  );
}
