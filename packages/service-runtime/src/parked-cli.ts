import { CONSUMER_GROUPS } from '@df/contracts';
import { createLogger } from '@df/telemetry';
import { infrastructureFromEnv } from './infrastructure.ts';
import { PgParkingStore } from './parking-store.ts';

/**
 * `npm run parked -- list <group>` shows the keys a consumer group parked (why, since when, how many records
 * wait behind each, next try; never payloads). `npm run parked -- release <group> <key>` makes a key due now:
 * a running member of the group tries its records, in order, within seconds.
 */
const [verb, group, key] = process.argv.slice(2);
const usage = `usage: npm run parked -- list <group> | release <group> <key>   (groups: ${CONSUMER_GROUPS.join(', ')})`;
if (!CONSUMER_GROUPS.includes(group as never) || !(verb === 'list' || (verb === 'release' && key))) {
  console.error(usage);
  process.exit(2);
}
const infra = infrastructureFromEnv('parked-cli', createLogger({ service: 'parked-cli' }));
const store = new PgParkingStore(infra.db);
const groupId = `${infra.topicPrefix}${group}`;
try {
  if (verb === 'list') {
    const keys = await store.list(groupId);
    for (const k of keys) {
      console.log(
        `${new Date(k.parked_at).toISOString()}  ${k.key}  ${k.records} record(s), ${k.retries} retries, next ${new Date(k.next_retry_at).toISOString()}  ${k.last_error ?? ''}`,
      );
    }
    console.log(`${keys.length} parked key(s) in ${groupId}`);
  } else {
    const released = await store.release(groupId, key!);
    console.log(released ? `released ${key}: due now` : `${key} is not parked in ${groupId}`);
    if (!released) process.exitCode = 1;
  }
} finally {
  await infra.db.destroy();
}
