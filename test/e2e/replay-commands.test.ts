import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { startAudit } from '@df/audit';
import { Command, EventEnvelope, TOPICS } from '@df/contracts';
import { type EventProducer, listDeadLetters, PermanentError, readTopic } from '@df/kafka';
import { replayedId } from '@df/replay';
import { replayCommands } from '@df/replay-service';
import { defineConsumer, type Infrastructure, type RunningServiceConsumer } from '@df/service-runtime';
import { type TestDatabase, waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, startTestEventBus, type TestEventBus } from './event-bus.ts';
import { contactEvent, publish } from './rebuild-history.ts';

let database: TestDatabase;
let infra: Infrastructure;
let producer: EventProducer;
let close: TestEventBus['close'];
const running: RunningServiceConsumer[] = [];

beforeAll(async () => {
  ({ database, infra, producer, close } = await startTestEventBus('replay-commands', 2));
  running.push(await startAudit(infra), await replayCommands.start(infra));
});
afterAll(async () => {
  for (const consumer of running) await consumer.stop();
  await close();
});

async function request(type: Command['type'], data: unknown): Promise<string> {
  const command = Command.parse({
    id: randomUUID(),
    type,
    tenant: 'operator',
    requestedAt: new Date().toISOString(),
    requestedBy: 'replay-commands-test',
    correlationId: randomUUID(),
    data,
  });
  const topic = `${infra.topicPrefix}${TOPICS.commands}`;
  await producer.publish(topic, await infra.schemaIdFor(topic), [
    { key: `${command.tenant}:${type}`, value: command },
  ]);
  return command.id;
}

const jobOutcome = (commandId: string) =>
  waitFor('the job’s outcome', () =>
    database.db
      .selectFrom('sync_log')
      .selectAll()
      .where('event_id', '=', commandId)
      .where('service', '=', 'replay')
      .executeTakeFirst(),
  );

/** `npm run replay -- … --json` in its own process, on this test's topics and database. */
const cli = async (...args: string[]) => {
  const { stdout } = await promisify(execFile)(
    'npx',
    ['tsx', 'services/replay/src/cli.ts', ...args, '--json'],
    {
      env: cliEnv(database, infra),
      timeout: 90_000,
    },
  );
  return JSON.parse(stdout);
};

describe('operator jobs on commands.v1 (real Kafka, registry, Postgres)', () => {
  it('redrives a group’s dead letters back onto their topic, where the group processes them', async () => {
    const fixed = new Set<string>();
    const handled: string[] = [];
    // A group with a bug: it refuses every contact until the fix is deployed.
    const buggy = defineConsumer<EventEnvelope, Set<string>>({
      group: 'ghl-app',
      topics: [TOPICS.ghl],
      parse: (value) => EventEnvelope.parse(value),
      handlers: {
        'contact.updated': async (event, deployed) => {
          if (!deployed.has('fix')) throw new PermanentError('bug', `cannot handle ${event.entity.id}`);
          handled.push(event.id);
        },
      },
      deps: () => fixed,
    });
    running.push(await buggy.start(infra));
    const events = [contactEvent(1, 1), contactEvent(2, 2), contactEvent(3, 3)];
    await publish(infra, producer, events);
    const dlq = `${infra.topicPrefix}ghl-app.dlq`;
    await waitFor('three dead letters', async () => (await listDeadLetters(infra.kafka, dlq)).length === 3);

    fixed.add('fix');
    const first = (await listDeadLetters(infra.kafka, dlq))[0]!;
    const one = await request('dead_letters.redrive_requested', {
      group: 'ghl-app',
      filter: { offsets: [first.offset] },
    });
    expect((await jobOutcome(one)).error_message).toBe('redrive ghl-app: 1 dead letter(s)');
    await waitFor('the first letter processed', () => handled.length === 1);
    const rest = await request('dead_letters.redrive_requested', { group: 'ghl-app' });
    expect(await jobOutcome(rest)).toMatchObject({
      status: 'updated',
      error_message: 'redrive ghl-app: 2 dead letter(s)',
    });
    await waitFor('every letter processed', () => handled.length === 3);
    expect(handled.sort()).toEqual(events.map((e) => e.id).sort());
    expect(await listDeadLetters(infra.kafka, dlq)).toEqual([]);
  });

  it('rebuilds a group’s projections on replay.requested (projections only), dry run first', async () => {
    await publish(infra, producer, [contactEvent(4, 4)]);
    const everything = new Date(0).toISOString();
    const dry = await request('replay.requested', {
      group: 'audit',
      from: everything,
      mode: 'projections_only',
      dryRun: true,
    });
    expect((await jobOutcome(dry)).error_message).toMatch(
      /^rebuild audit \(dry run\): \d+ records; sync_log \d+ differing/,
    );
    const real = await request('replay.requested', {
      group: 'audit',
      from: everything,
      mode: 'projections_only',
    });
    expect((await jobOutcome(real)).error_message).toMatch(/^rebuild audit: \d+ records; /);

    // audit has no side effects to replay: refused with the reason, not dead-lettered.
    const refused = await request('replay.requested', {
      group: 'audit',
      from: everything,
      mode: 'with_side_effects',
    });
    expect(await jobOutcome(refused)).toMatchObject({
      status: 'error',
      error_message: expect.stringMatching(/no side effects/),
    });
  });

  it('npm run replay runs the same jobs in its own process and prints JSON summaries', async () => {
    const [dry] = await cli('rebuild', 'audit', '--dry-run');
    expect(dry).toMatchObject({ projection: 'audit', switched: false });
    expect(dry.differences).toEqual([
      { table: 'sync_log', differing: 0, extra: 0 },
      { table: 'webhook_events', differing: 0, extra: 0 },
    ]);
    const [callSync] = await cli('rebuild', 'call-sync', '--dry-run');
    expect(callSync).toMatchObject({ projection: 'call-sync-contacts', switched: false, logComplete: true });
    const inLog = (await readTopic(infra.kafka, `${infra.topicPrefix}${TOPICS.ghl}`)).length;
    const planned = await cli(
      'replay',
      'contact-sync',
      '--from',
      '2000-01-01T00:00:00Z',
      '--with-side-effects',
      '--dry-run',
    );
    expect(planned).toMatchObject({ group: 'contact-sync', dryRun: true, read: inLog, selected: inLog });
    expect(planned.byType).toEqual({ 'contact.updated': inLog });
    expect(await readTopic(infra.kafka, `${infra.topicPrefix}contact-sync.replay`)).toEqual([]);
  }, 120_000);

  it('npm run replay -- replay --run <id> run again (after an interrupted run) publishes the same copies', async () => {
    const event = contactEvent(9, 9);
    await publish(infra, producer, [event]);
    const run = randomUUID();
    const args = [
      'replay',
      'ghl-app',
      '--from',
      '2000-01-01T00:00:00Z',
      '--with-side-effects',
      '--entity',
      'ghl-9',
    ];
    const first = await cli(...args, '--run', run);
    const again = await cli(...args, '--run', run);
    expect(first).toMatchObject({ runId: run, selected: 1 });
    expect(again).toMatchObject({ runId: run, selected: 1 });
    const copies = await readTopic(infra.kafka, `${infra.topicPrefix}ghl-app.replay`);
    const ids = await Promise.all(
      copies
        .filter((c) => c.headers['x-replay-run'] === run)
        .map(async (c) => ((await infra.codec.unframe(c.value!)) as { id: string }).id),
    );
    expect(ids).toEqual([replayedId(run, event.id), replayedId(run, event.id)]);
  }, 120_000);
});
