import { randomUUID } from 'node:crypto';
import { Command, TOPICS } from '@df/contracts';
import { readTopic } from '@df/kafka';
import { maskText } from '@df/telemetry';
import type { ConsoleDeps } from '../deps.ts';

/** What the console may ask for: only commands some service consumes (see README "Console"). */
export const OFFERED_COMMANDS = [
  'contact.sync_requested',
  'list.rebuild_requested',
  'backfill.requested',
  'reconcile.requested',
  // Consumed by services/replay (group 'replay'): rebuilds or replays one group from a time.
  'replay.requested',
] as const;
export type OfferedCommand = (typeof OFFERED_COMMANDS)[number];

/** Publishes a command on commands.v1 (the only way to ask for work); throws the zod error when it is invalid. */
export async function publishCommand(
  deps: ConsoleDeps,
  request: { type: OfferedCommand; data: unknown; requestedBy: string },
): Promise<Command> {
  const command = Command.parse({
    id: randomUUID(),
    type: request.type,
    tenant: deps.tenant,
    requestedAt: new Date().toISOString(),
    requestedBy: request.requestedBy,
    correlationId: randomUUID(),
    data: request.data,
  });
  const topic = `${deps.topicPrefix}${TOPICS.commands}`;
  await deps.producer.publish(topic, await deps.schemaIdFor(topic), [
    {
      key: `${command.tenant}:${command.type}`,
      value: command,
      headers: { 'x-correlation-id': command.correlationId, 'x-event-type': command.type },
    },
  ]);
  return command;
}

export interface CommandProgress {
  id: string;
  type: string;
  requestedAt: string;
  requestedBy: string;
  correlationId: string;
  /** What the command asked for, phones masked. */
  summary: string;
  /** Outcomes reported for it so far, by status (sync_log rows of its id or its correlation id). */
  outcomes: Record<string, number>;
  /** The latest outcome's reason: a rebuild's or reconciliation's summary line when it has finished. */
  latest: string | null;
}

/**
 * The latest commands on commands.v1, newest first, with their progress. The topic holds operator requests
 * only (a few a day), so it is read whole.
 */
export async function recentCommands(deps: ConsoleDeps, limit: number): Promise<CommandProgress[]> {
  const records = await readTopic(deps.kafka, `${deps.topicPrefix}${TOPICS.commands}`);
  const commands: Command[] = [];
  for (const record of records) {
    if (!record.value) continue;
    const parsed = Command.safeParse(await deps.codec.decode(record.value).catch(() => null));
    if (parsed.success) commands.push(parsed.data);
  }
  const latest = commands.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt)).slice(0, limit);
  return Promise.all(latest.map((c) => progressOf(deps, c)));
}

async function progressOf(deps: ConsoleDeps, command: Command): Promise<CommandProgress> {
  const rows = await deps.db
    .selectFrom('sync_log')
    .select(['status', 'error_message', 'started_at'])
    .where((eb) => eb.or([eb('event_id', '=', command.id), eb('correlation_id', '=', command.correlationId)]))
    .orderBy('started_at', 'desc')
    .execute();
  const outcomes: Record<string, number> = {};
  for (const row of rows) outcomes[row.status] = (outcomes[row.status] ?? 0) + 1;
  return {
    id: command.id,
    type: command.type,
    requestedAt: command.requestedAt,
    requestedBy: command.requestedBy,
    correlationId: command.correlationId,
    summary: maskText(JSON.stringify(command.data)),
    outcomes,
    latest: rows[0]?.error_message ? maskText(rows[0].error_message) : null,
  };
}
