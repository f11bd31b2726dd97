import { Command, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import type { Infrastructure } from '@df/service-runtime';

/** Publishes an operator command on `commands.v1` (the CLIs ask the services; they never act around them). */
export async function publishCommand(infra: Infrastructure, command: Command): Promise<void> {
  const producer = new EventProducer(infra.kafka, infra.codec);
  const topic = `${infra.topicPrefix}${TOPICS.commands}`;
  await producer.connect();
  try {
    await producer.publish(topic, await infra.schemaIdFor(topic), [
      { key: `${command.tenant}:${command.type}`, value: Command.parse(command) },
    ]);
  } finally {
    await producer.disconnect();
  }
}

/** What the backfill service said about a command it did not run (e.g. `unknown_tenant`), if anything. */
export async function refusal(infra: Infrastructure, commandId: string): Promise<string | undefined> {
  const row = await infra.db
    .selectFrom('sync_log')
    .select('error_message')
    .where('event_id', '=', commandId)
    .where('service', '=', 'backfill')
    .where('error_message', 'like', 'unknown_tenant%')
    .executeTakeFirst();
  return row?.error_message ?? undefined;
}

/** Says once, after 30 s without a sign of the run, that the command waits for a backfill service to take it. */
export function notStartedNotice(since = Date.now()) {
  let said = false;
  return (started: boolean) => {
    if (started || said || Date.now() - since < 30_000) return;
    said = true;
    console.error(
      'no backfill service has started the command yet: is one running? (it stays on commands.v1 until one does)',
    );
  };
}
