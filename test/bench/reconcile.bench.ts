import { backfillRow, requestCommand, seedGhl } from './backfill.bench.ts';
import { argument, startBenchSystem, until } from './harness.ts';

/**
 * Reconciliation of N GHL contacts (default 10,000): its time and tool calls (GHL searches, Aloware lookups).
 * The contacts were never synced, so each is looked up in Aloware and reported as a missing mapping.
 * `--aloware-rate` sets RECONCILE_ALOWARE_PER_S (default here 100; the setting's default is 5).
 */
export async function benchReconcile() {
  const contacts = argument('contacts', 10_000);
  const latencyMs = argument('latency', 50);
  const alowarePerSecond = argument('aloware-rate', 100);
  const bench = await startBenchSystem({
    consolePort: 0,
    simulators: { latencyMs },
    partitions: 6,
    backfill: { alowarePerSecond },
  });
  const { ghl, aloware } = bench.system.simulators!;
  try {
    seedGhl(bench, contacts);
    const ghlBefore = ghl.requests.length;
    const alowareBefore = aloware.requests.length;
    const started = Date.now();
    const id = await requestCommand(bench, 'reconcile.requested', { heal: false });
    await until(
      'the reconciliation finished',
      async () => {
        const row = await backfillRow(bench, 'reconcile');
        return row?.run_id === id && row.finished_at !== null;
      },
      3_600_000,
    );
    const seconds = (Date.now() - started) / 1000;
    const counts = (await backfillRow(bench, 'reconcile'))?.counts ?? {};
    const searches = ghl.requests.slice(ghlBefore).filter((r) => r.path.endsWith('/contacts/search')).length;
    const lookups = aloware.requests
      .slice(alowareBefore)
      .filter((r) => r.path.endsWith('/contact/phone-number')).length;
    console.log(
      `reconcile: ${contacts} GHL contacts, tool latency ${latencyMs} ms, ${alowarePerSecond} Aloware lookups/s`,
    );
    console.log(
      `  time                 ${seconds.toFixed(1)} s (${(contacts / seconds).toFixed(0)} contacts/s)`,
    );
    console.log(`  GHL calls            ${searches} searches`);
    console.log(`  Aloware calls        ${lookups} lookups`);
    console.log(
      `  drift reported       ${counts.drift ?? 0} (${counts.missing_mapping ?? 0} missing mappings)`,
    );
    console.log(`  at the default 5 lookups/s the lookups alone take ${(lookups / 5 / 60).toFixed(0)} min`);
  } finally {
    await bench.stop();
  }
}
