import { createDb } from '@df/db';
import { infrastructureEnv, loadOrExit, parseEnv } from '@df/env';
import { maskText } from '@df/telemetry';
import { z } from 'zod';
import { discardSetAside, listSetAside, retrySetAside } from './durability/spool-store.ts';

/**
 * `npm run spool -- list` shows the records the ingress set aside (topic, masked key, size, reason; never the
 * payload); `retry <id…>` puts them back in the spool once the cause is fixed; `discard <id…>` drops them;
 * `--all` instead of ids acts on every set-aside record.
 */
const USAGE = 'usage: npm run spool -- list | retry <id…|--all> | discard <id…|--all>';
const [verb, ...rest] = process.argv.slice(2);
// Acting on every record takes `--all`, never an empty list: a forgotten id must not discard everything.
const ids = rest.length === 1 && rest[0] === '--all' ? 'all' : rest.map(Number);
const idsValid = ids === 'all' || (ids.length > 0 && ids.every((id) => Number.isSafeInteger(id)));
if (!['list', 'retry', 'discard'].includes(verb ?? '') || (verb !== 'list' && !idsValid)) {
  console.error(USAGE);
  process.exit(2);
}
const { DATABASE_URL } = loadOrExit('spool', () =>
  parseEnv(z.object({ DATABASE_URL: infrastructureEnv.DATABASE_URL }), process.env),
);
const db = createDb(DATABASE_URL, { max: 2 });
try {
  if (verb === 'list') {
    const records = await listSetAside(db);
    for (const r of records) {
      console.log(
        `#${r.id}  ${r.setAsideAt.toISOString()}  ${r.topic}  ${maskText(r.key)}  ${r.bytes} B  ${r.reason}`,
      );
    }
    console.log(`${records.length} record(s) set aside`);
  } else if (verb === 'retry') {
    console.log(`${await retrySetAside(db, ids)} record(s) back in the spool`);
  } else {
    console.log(`${await discardSetAside(db, ids)} record(s) discarded`);
  }
} finally {
  await db.destroy();
}
