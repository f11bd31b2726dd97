import { randomUUID } from 'node:crypto';
import { DEFAULT_BACKFILL_CONFIG } from '@df/backfill';
import { Command, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import { argument, percentile, startBenchSystem, until } from './harness.ts';

type Bench = Awaited<ReturnType<typeof startBenchSystem>>;

/** Publishes a command on the bench system's `commands.v1`, as the CLI does. */
export async function requestCommand(bench: Bench, type: Command['type'], data: unknown): Promise<string> {
  const { infra, tools } = bench.system;
  const command = Command.parse({
    id: randomUUID(),
    type,
    tenant: tools.ghl.locationId,
    requestedAt: new Date().toISOString(),
    requestedBy: 'bench',
    correlationId: randomUUID(),
    data,
  });
  const producer = new EventProducer(infra.kafka, infra.codec);
  const topic = `${infra.topicPrefix}${TOPICS.commands}`;
  await producer.connect();
  await producer.publish(topic, await infra.schemaIdFor(topic), [
    { key: `${command.tenant}:${type}`, value: command },
  ]);
  await producer.disconnect();
  return command.id;
}

/** N contacts the GHL location had before the middleware came, changed an hour ago, no webhook sent. */
export function seedGhl(bench: Bench, count: number) {
  const anHourAgo = Date.now() - 3_600_000;
  for (let i = 0; i < count; i++) {
    const contact = bench.system.simulators!.ghl.seedContact(
      { firstName: `Old ${i}`, lastName: 'Contact', phone: `+1303555${String(i).padStart(4, '0')}` },
      { silent: true },
    );
    contact.dateAdded = contact.dateUpdated = new Date(anHourAgo + i).toISOString();
  }
}

export const backfillRow = (bench: Bench, job: string) =>
  bench.db
    .selectFrom('sync_state')
    .select(['run_id', 'counts', 'started_at', 'finished_at'])
    .where('entity_type', '=', `${job}:${bench.system.tools.ghl.locationId}`)
    .executeTakeFirst();

/**
 * Live webhooks at a steady rate (Aloware contacts created one per `everyMs`) until `stop()` resolves true;
 * each one's latency is webhook → GHL write, read from the GHL contact's creation time.
 */
async function liveTraffic(bench: Bench, prefix: string, everyMs: number, stop: () => Promise<boolean>) {
  const { aloware, ghl } = bench.system.simulators!;
  const started = new Map<string, number>();
  let n = 0;
  while (!(await stop())) {
    const phone = `+1404${prefix}${String(n++).padStart(6, '0')}`;
    started.set(phone, Date.now());
    aloware.createContact({ phone_number: phone, first_name: 'Live', last_name: `${prefix}-${n}` });
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await until('every live contact in GHL', () =>
    [...started.keys()].every((p) => ghl.contacts().some((c) => c.phone === p)),
  );
  const latencies = ghl
    .contacts()
    .filter((c) => started.has(String(c.phone)))
    .map((c) => Date.parse(String(c.dateAdded)) - started.get(String(c.phone))!);
  return { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * Backfill of N GHL contacts (default 10,000) while live webhooks flow: their webhook → GHL write p99 idle and
 * during the backfill, the backfill's duration, and the GHL calls (the backfill's searches, everyone's 429s).
 */
export async function benchBackfill() {
  const contacts = argument('contacts', 10_000);
  const latencyMs = argument('latency', 50);
  const liveEveryMs = argument('live-every', 250);
  const idleSeconds = argument('idle', 20);
  const batchSize = argument('batch', DEFAULT_BACKFILL_CONFIG.batchSize);
  const maxLag = argument('max-lag', DEFAULT_BACKFILL_CONFIG.maxLag);
  const bench = await startBenchSystem({
    consolePort: 0,
    simulators: { latencyMs },
    partitions: 6,
    backfill: { batchSize, maxLag },
  });
  const { ghl, aloware } = bench.system.simulators!;
  try {
    seedGhl(bench, contacts);
    const idleUntil = Date.now() + idleSeconds * 1000;
    const idle = await liveTraffic(bench, '1', liveEveryMs, async () => Date.now() > idleUntil);

    const callsBefore = ghl.requests.length;
    const started = Date.now();
    await requestCommand(bench, 'backfill.requested', { source: 'ghl' });
    const during = await liveTraffic(bench, '2', liveEveryMs, async () =>
      Boolean((await backfillRow(bench, 'ghl-contacts'))?.finished_at),
    );
    const row = await backfillRow(bench, 'ghl-contacts');
    const published = Date.parse(String(row?.finished_at)) - started;
    await until(
      'every snapshot applied',
      () => aloware.contacts().length >= contacts + idle.count + during.count,
      3_600_000,
    );
    const applied = Date.now() - started;
    const calls = ghl.requests.slice(callsBefore);
    const searches = calls.filter((r) => r.path.endsWith('/contacts/search')).length;
    const throttled = ghl.requests.filter((r) => r.status === 429).length;
    console.log(
      `backfill: ${contacts} GHL contacts, tool latency ${latencyMs} ms, a live webhook every ${liveEveryMs} ms, batches of ${batchSize} at lag ≤ ${maxLag}`,
    );
    console.log(
      `  live webhook → GHL write, idle      p50 ${idle.p50} ms, p99 ${idle.p99} ms (${idle.count} webhooks)`,
    );
    console.log(
      `  live webhook → GHL write, backfill  p50 ${during.p50} ms, p99 ${during.p99} ms (${during.count} webhooks)`,
    );
    console.log(`  p99 during / idle                   ${(during.p99 / idle.p99).toFixed(2)}`);
    console.log(
      `  backfill published in               ${(published / 1000).toFixed(1)} s (${row?.counts?.pages} pages)`,
    );
    console.log(
      `  every snapshot applied after        ${(applied / 1000).toFixed(1)} s (${(contacts / (applied / 1000)).toFixed(0)} contacts/s)`,
    );
    console.log(
      `  GHL calls during the backfill       ${calls.length} (${searches} searches by the backfill), 429s ${throttled}`,
    );
  } finally {
    await bench.stop();
  }
}
