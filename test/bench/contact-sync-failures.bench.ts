import { RetriableError } from '@df/kafka';
import { argument, startBenchSystem, until } from './harness.ts';

/** Seconds until every healthy contact is in GHL, with `failing` phones answering 5xx forever. */
async function run(contacts: number, latencyMs: number, failing: Set<string>, label: string) {
  const bench = await startBenchSystem({
    simulators: { latencyMs },
    partitions: 6,
    wrapContactTools: (tools) => ({
      ...tools,
      ghl: {
        ...tools.ghl,
        async upsert(fields, alowareContactId) {
          if (typeof fields.phone === 'string' && failing.has(fields.phone))
            throw new RetriableError('GHL upsertContact failed: server (HTTP 503)');
          return tools.ghl.upsert(fields, alowareContactId);
        },
      },
    }),
  });
  const { ghl, aloware } = bench.system.simulators!;
  try {
    const phones = Array.from({ length: contacts }, (_, i) => `+1202555${String(2000 + i).padStart(4, '0')}`);
    const healthy = phones.filter((p) => !failing.has(p));
    const started = Date.now();
    phones.forEach((phone, i) => {
      aloware.createContact({ phone_number: phone, first_name: `Bench ${i}` });
    });
    await until('every healthy contact in GHL', () => ghl.contacts().length >= healthy.length);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `  ${label.padEnd(26)} ${healthy.length} healthy contacts in ${seconds.toFixed(1)} s = ${(healthy.length / seconds).toFixed(1)} contacts/s`,
    );
    return healthy.length / seconds;
  } finally {
    await bench.stop();
  }
}

/**
 * contact-sync with 1 contact in 50 whose GHL write fails forever (retriable): the other contacts' sync
 * throughput, against the same run without failures. Their keys retry and then park; nobody else waits.
 */
export async function benchContactSyncFailures() {
  // Under GHL's 100 requests / 10 s, so the rate limit is not what both runs measure.
  const contacts = argument('contacts', 60);
  const latencyMs = argument('latency', 50);
  console.log(`contact-sync with failing contacts: ${contacts} contacts, tool latency ${latencyMs} ms`);
  await run(20, latencyMs, new Set(), 'warm-up (not compared)');
  const baseline = await run(contacts, latencyMs, new Set(), 'no failures');
  const failing = new Set(
    Array.from({ length: contacts }, (_, i) => `+1202555${String(2000 + i).padStart(4, '0')}`).filter(
      (_, i) => i % 50 === 0,
    ),
  );
  const degraded = await run(contacts, latencyMs, failing, `${failing.size} failing forever`);
  console.log(
    `  healthy throughput with failures: ${Math.round((100 * degraded) / baseline)} % of the no-failure run`,
  );
}
