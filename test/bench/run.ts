import { stackConfig } from '@df/stack';
import { removeTestArtifacts } from '@df/test-kit/cleanup';
import { benchBackfill } from './backfill.bench.ts';
import { benchCallSync } from './call-sync.bench.ts';
import { benchContactSync } from './contact-sync.bench.ts';
import { benchContactSyncFailures } from './contact-sync-failures.bench.ts';
import { benchIngress } from './ingress.bench.ts';
import { benchLedgerCatchup } from './ledger-catchup.bench.ts';
import { benchListSync } from './list-sync.bench.ts';
import { benchMessaging } from './messaging.bench.ts';
import { benchRebuild } from './rebuild.bench.ts';
import { benchReconcile } from './reconcile.bench.ts';
import { benchReplay } from './replay.bench.ts';

/**
 * `npm run bench [-- <name>] [--contacts N] [--latency MS]`: prints figures; nothing passes or fails here,
 * and no test asserts speed.
 */
const benches: Record<string, () => Promise<void>> = {
  ingress: benchIngress,
  'contact-sync': benchContactSync,
  'call-sync': benchCallSync,
  replay: benchReplay,
  rebuild: benchRebuild,
  'ledger-catchup': benchLedgerCatchup,
  'contact-sync-failures': benchContactSyncFailures,
  messaging: benchMessaging,
  'list-sync': benchListSync,
  backfill: benchBackfill,
  reconcile: benchReconcile,
};
const chosen = process.argv.slice(2).filter((a) => a in benches);
for (const [name, run] of Object.entries(benches)) {
  if (chosen.length === 0 || chosen.includes(name)) await run();
}
// The benchmarks' topics and subjects carry a unique stamp, like the tests': leave the stack as found.
const { kafkaBrokers, schemaRegistryUrl } = stackConfig();
await removeTestArtifacts(kafkaBrokers, schemaRegistryUrl);
process.exit(0);
