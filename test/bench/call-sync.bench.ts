import { argument, percentile, startBenchSystem, until } from './harness.ts';

/**
 * call-sync: N answered outbound calls placed in the Aloware simulator (six webhooks each, tool latency
 * `latency` ms). Prints GHL calls per call (contact, note, tags) and webhook → note latency. The latency
 * includes the quiet period call-sync waits for a call's burst to settle (`--quiet`, default 1500 ms).
 */
export async function benchCallSync() {
  const calls = argument('calls', 40);
  const latencyMs = argument('latency', 50);
  const quietMs = argument('quiet', 1500);
  const bench = await startBenchSystem({ simulators: { latencyMs }, partitions: 6, callSync: { quietMs } });
  const { ghl, aloware } = bench.system.simulators!;
  try {
    const placed = new Map<string, number>();
    for (let i = 0; i < calls; i++) {
      const phone = `+1202555${String(3000 + i).padStart(4, '0')}`;
      const { communicationId } = aloware.placeOutboundCall({
        contactPhone: phone,
        summary: `Call ${i} summary.`,
      });
      placed.set(String(communicationId), Date.now());
    }
    await until('every call settled in GHL', async () => {
      const rows = await bench.db.selectFrom('call_notes').select(['dirty']).execute();
      return rows.length === calls && rows.every((r) => !r.dirty);
    });
    const notes = ghl.contacts().flatMap((c) => ghl.notes(c.id));
    const latencies = notes.map((n) => {
      const callId = /^Aloware call #(\d+)/.exec(n.body)?.[1] ?? '';
      return Date.parse(String(n.dateAdded)) - placed.get(callId)!;
    });
    // call-sync's own GHL calls: note writes, note reads and tag writes (contact-sync's contact writes apart).
    const callSyncRequests = ghl.requests.filter((r) => /\/notes|\/tags/.test(r.path)).length;
    const contactWrites = ghl.requests.filter(
      (r) => r.method === 'POST' && r.path === '/contacts/upsert',
    ).length;
    console.log(
      `call-sync: ${calls} answered outbound calls (6 webhooks each), tool latency ${latencyMs} ms, quiet ${quietMs} ms`,
    );
    console.log(`  notes in GHL               ${notes.length}`);
    console.log(
      `  GHL calls per call         ${(callSyncRequests / calls).toFixed(2)} (notes and tags; + ${(contactWrites / calls).toFixed(2)} contact upserts, shared with contact-sync)`,
    );
    console.log(`  webhook → note p50         ${percentile(latencies, 50)} ms`);
    console.log(`  webhook → note p99         ${percentile(latencies, 99)} ms`);
  } finally {
    await bench.stop();
  }
}
