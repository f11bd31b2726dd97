import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Command, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';

/**
 * `npm run lists -- rebuild <tag> [--hard]`: asks list-sync for a rebuild through `commands.v1` (never a side
 * door), then prints its progress from the audit's `sync_log` (the outcomes it reports, by command id) until the
 * summary arrives. Tenant: `GHL_LOCATION_ID` (list-sync keys contacts by the GHL location whatever it says).
 */
const [verb, tag, ...flags] = process.argv.slice(2);
if (verb !== 'rebuild' || !tag || flags.some((f) => f !== '--hard')) {
  console.error('usage: npm run lists -- rebuild <tag> [--hard]');
  process.exit(2);
}
const TIMEOUT_MS = 30 * 60_000;
const infra = infrastructureFromEnv('lists-cli', createLogger({ service: 'lists-cli' }, { level: 'warn' }));
const command = Command.parse({
  id: randomUUID(),
  type: 'list.rebuild_requested',
  tenant: process.env.GHL_LOCATION_ID ?? 'operator',
  requestedAt: new Date().toISOString(),
  requestedBy: 'lists-cli',
  correlationId: randomUUID(),
  data: { target: { by: 'tag', tag }, mode: flags.includes('--hard') ? 'hard' : 'soft' },
});
const producer = new EventProducer(infra.kafka, infra.codec);
try {
  const topic = `${infra.topicPrefix}${TOPICS.commands}`;
  await producer.connect();
  await producer.publish(topic, await infra.schemaIdFor(topic), [
    { key: `${command.tenant}:${command.type}`, value: command },
  ]);
  console.log(`rebuild of "${tag}" requested (command ${command.id})`);
  process.exitCode = (await followProgress(command.id)) ? 0 : 1;
} finally {
  await producer.disconnect();
  await infra.db.destroy();
}

/** Prints the outcome counts each time they change; true once list-sync's summary is in. */
async function followProgress(commandId: string): Promise<boolean> {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const rows = await infra.db
      .selectFrom('sync_log')
      .select(['status', 'error_message'])
      .where('event_id', '=', commandId)
      .where('service', '=', 'list-sync')
      .execute();
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
    const line = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
    if (line !== last) console.log(`  ${line}`);
    last = line;
    const summary = rows.find((r) => /rebuild|no rule for tag/.test(r.error_message ?? ''));
    if (summary) {
      console.log(summary.error_message);
      return summary.status !== 'skipped';
    }
    await delay(1000);
  }
  console.log('no summary yet: the rebuild goes on; its outcomes keep arriving in sync_log');
  return false;
}
