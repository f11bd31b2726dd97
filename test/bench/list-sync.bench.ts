import type { ListTools } from '@df/list-sync';
import { argument, startBenchSystem, until } from './harness.ts';

const HOT = 4101;
const WARM = 4102;
const COLD = 4103;
const list = (tag: string, listId: number) =>
  ({ tag, target: { kind: 'list', listId }, position: 'bottom', excludeDnd: true }) as const;

/**
 * list-sync: `--changes` tag changes (half the contacts created tagged `hot`, then each moved to `warm`: an
 * addition, then a removal with a re-add), then a soft rebuild of `--rebuild` contacts tagged `cold` whose
 * webhooks never came. Prints list-sync's own Aloware and GHL calls per change (counted in its tools) and the
 * time to a converged list. Tool latency `--latency` ms.
 */
export async function benchListSync() {
  const changes = argument('changes', 500);
  const rebuildSize = argument('rebuild', 2000);
  const latencyMs = argument('latency', 50);
  let tools: ListTools | undefined;
  const bench = await startBenchSystem({
    simulators: { latencyMs },
    partitions: 6,
    listSync: { rules: [list('hot', HOT), list('warm', WARM), list('cold', COLD)] },
    wrapListTools: (t) => {
      tools = t;
      return t;
    },
  });
  const { ghl, aloware } = bench.system.simulators!;
  const members = (id: number) => aloware.lists().find((l) => l.id === id)?.contactIds.length ?? 0;
  try {
    const contacts = changes / 2;
    const started = Date.now();
    const ids = Array.from(
      { length: contacts },
      (_, i) =>
        ghl.seedContact({ firstName: 'Bench', phone: `+1202555${String(5000 + i)}`, tags: ['hot'] }).id,
    );
    await until('every contact in the hot list', () => members(HOT) === contacts);
    const added = Date.now();
    for (const id of ids) ghl.editContact(id, { tags: ['warm'] });
    await until(
      'every contact moved to the warm list',
      () => members(HOT) === 0 && members(WARM) === contacts,
    );
    const moved = Date.now();
    const perChange = tools!.calls();
    console.log(
      `list-sync: ${changes} tag changes (${contacts} additions, ${contacts} moves), latency ${latencyMs} ms`,
    );
    console.log(`  Aloware calls per change   ${(perChange.aloware / changes).toFixed(2)}`);
    console.log(`  GHL calls per change       ${(perChange.ghl / changes).toFixed(2)}`);
    console.log(`  converged: additions ${added - started} ms, moves ${moved - added} ms`);

    for (let i = 0; i < rebuildSize; i++) {
      ghl.seedContact(
        { firstName: 'Cold', phone: `+1303555${String(i).padStart(4, '0')}`, tags: ['cold'] },
        { silent: true },
      );
    }
    const before = tools!.calls();
    const rebuildStart = Date.now();
    const answer = await fetch(`${bench.system.ingressUrl}/sync/lists?tagName=cold`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bench.system.operatorToken}` },
    });
    if (answer.status !== 202) throw new Error(`rebuild refused: ${answer.status}`);
    await until('the rebuilt cold list', () => members(COLD) === rebuildSize, 1_800_000);
    const after = tools!.calls();
    console.log(
      `  soft rebuild of ${rebuildSize}: ${Date.now() - rebuildStart} ms, ${after.aloware - before.aloware} Aloware calls, ${after.ghl - before.ghl} GHL calls`,
    );
  } finally {
    await bench.stop();
  }
}
