import { sharedGhlRateLimiter } from '@df/ghl-client';
import { sql } from 'kysely';
import { argument, percentile, startBenchSystem, until } from './harness.ts';

/**
 * contact-sync: N contacts created in the Aloware simulator (every tool call takes `latency` ms) flow through
 * ingress → Kafka → contact-sync → GHL. Prints throughput, webhook → GHL write latency, the time spent waiting
 * for GHL's rate limit (100 requests / 10 s), and upstream calls per contact event.
 */
export async function benchContactSync() {
  const contacts = argument('contacts', 150);
  const latencyMs = argument('latency', 50);
  const bench = await startBenchSystem({ simulators: { latencyMs }, partitions: 6 });
  const { ghl, aloware } = bench.system.simulators!;
  try {
    const started = new Map<string, number>();
    const first = Date.now();
    for (let i = 0; i < contacts; i++) {
      const phone = `+1202555${String(1000 + i).padStart(4, '0')}`;
      started.set(phone, Date.now());
      aloware.createContact({
        phone_number: phone,
        first_name: `Bench ${i}`,
        email: `bench${i}@example.com`,
      });
    }
    // Transactions left open, idle, for longer than one tool call takes: what holding a transaction across a
    // tool call looks like. contact-sync v2 holds none, so this stays at zero however slow the tools are.
    const held: number[] = [];
    const sampling = setInterval(() => {
      sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state = 'idle in transaction'
          and now() - state_change > ${`${latencyMs} milliseconds`}::interval`
        .execute(bench.db)
        .then(({ rows }) => held.push(rows[0]?.n ?? 0))
        .catch(() => {});
    }, 20);
    await until('every contact in GHL', () => ghl.contacts().length >= contacts);
    clearInterval(sampling);
    const last = Math.max(...ghl.contacts().map((c) => Date.parse(String(c.dateAdded))));
    // Every event handled: the creation and its echo, for each contact.
    await until('every contact event to be decided', async () => {
      const { n } = await bench.db
        .selectFrom('sync_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(n) >= 2 * contacts;
    });
    const events = Number(
      (
        await bench.db
          .selectFrom('webhook_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('entity_type', '=', 'contact')
          .executeTakeFirstOrThrow()
      ).n,
    );
    const latencies = ghl
      .contacts()
      .map((c) => Date.parse(String(c.dateAdded)) - started.get(String(c.phone))!);
    const ghlCalls = ghl.requests.length;
    const alowareCalls = aloware.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/webhook/forms'),
    ).length;
    const waited = sharedGhlRateLimiter(
      `${bench.system.tools.ghl.baseUrl}|${bench.system.tools.ghl.locationId}`,
    ).waitedMs;
    const seconds = (last - first) / 1000;
    console.log(`contact-sync: ${contacts} contacts created in Aloware, tool latency ${latencyMs} ms`);
    console.log(
      `  throughput                 ${(contacts / seconds).toFixed(1)} contacts/s (${seconds.toFixed(1)} s)`,
    );
    console.log(`  webhook → GHL write p50    ${percentile(latencies, 50)} ms`);
    console.log(`  webhook → GHL write p99    ${percentile(latencies, 99)} ms`);
    console.log(
      `  GHL rate-limit wait        ${(waited / 1000).toFixed(1)} s in total, ${(waited / contacts).toFixed(0)} ms per contact`,
    );
    console.log(`  contact events handled     ${events} (creations and their echoes)`);
    console.log(
      `  upstream calls per event   ${((ghlCalls + alowareCalls) / events).toFixed(2)} (GHL ${ghlCalls}, Aloware ${alowareCalls})`,
    );
    const mean = held.reduce((a, b) => a + b, 0) / Math.max(1, held.length);
    console.log(
      `  transactions idle > ${latencyMs} ms  mean ${mean.toFixed(2)}, max ${Math.max(0, ...held)} (sampled every 20 ms, ${held.length} samples)`,
    );
  } finally {
    await bench.stop();
  }
}
