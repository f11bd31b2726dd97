import { Command, type ConsumerGroup, nameUuid, TOPICS } from '@df/contracts';
import { defineConsumer, type Infrastructure, type OutcomeInput } from '@df/service-runtime';
import { rebuild, redrive, replay } from './jobs.ts';

type ReplayRequested = Extract<Command, { type: 'replay.requested' }>;
type RedriveRequested = Extract<Command, { type: 'dead_letters.redrive_requested' }>;

interface CommandDeps {
  infra: Infrastructure;
  report: (cause: Command, outcome: OutcomeInput) => Promise<unknown>;
}

/** A `from` at or before the epoch asks for everything: a full rebuild, rows no record makes removed. */
const fromOf = (from: string) => (new Date(from).getTime() <= 0 ? undefined : new Date(from));

/** What an operator job says about itself in `sync_log`: one outcome per command, however often it runs. */
function jobOutcome(command: Command, group: ConsumerGroup, failed: boolean, reason: string): OutcomeInput {
  return {
    id: nameUuid(`replay-job|${command.id}`),
    entity: { type: 'unknown', id: group },
    direction: 'internal',
    action: failed ? 'failed' : 'updated',
    reason,
    target: { system: 'middleware', id: null },
  };
}

async function onReplayRequested(command: ReplayRequested, deps: CommandDeps) {
  const { group, from, mode, filter, dryRun } = command.data;
  let reason: string;
  try {
    if (mode === 'projections_only') {
      const summaries = await rebuild(deps.infra, group, { from: fromOf(from), dryRun: dryRun ?? false });
      reason = summaries
        .map((s) => {
          const changed = s.differences.map((d) => `${d.table} ${d.differing} differing, ${d.extra} extra`);
          return `rebuild ${s.projection}${s.switched ? '' : ' (dry run)'}: ${s.records} records; ${changed.join('; ')}`;
        })
        .join(' | ');
    } else {
      const summary = await replay(deps.infra, {
        runId: command.id,
        group,
        from: new Date(from),
        ...(filter ? { filter } : {}),
        dryRun: dryRun ?? false,
      });
      reason = `replay ${group}${summary.dryRun ? ' (dry run)' : ''}: ${summary.selected} of ${summary.read} records`;
    }
  } catch (error) {
    await deps.report(command, jobOutcome(command, group, true, (error as Error).message));
    return;
  }
  await deps.report(command, jobOutcome(command, group, false, reason));
}

async function onRedriveRequested(command: RedriveRequested, deps: CommandDeps) {
  const { group, filter } = command.data;
  const { redriven } = await redrive(deps.infra, group, filter ?? {});
  await deps.report(
    command,
    jobOutcome(command, group, false, `redrive ${group}: ${redriven} dead letter(s)`),
  );
}

/**
 * The operator jobs on `commands.v1`: rebuilds and replays (`replay.requested`) and redrives
 * (`dead_letters.redrive_requested`), one at a time, each reported as one outcome. A command delivered again
 * runs again harmlessly: a rebuild converges, a replay's copies carry the same ids, a redrive finds only what
 * is not redriven yet.
 */
export const replayCommands = defineConsumer<Command, CommandDeps>({
  group: 'replay',
  topics: [TOPICS.commands],
  parse: (value) => Command.parse(value),
  handlers: {
    'replay.requested': onReplayRequested,
    'dead_letters.redrive_requested': onRedriveRequested,
  },
  deps: ({ infra, report }) => ({ infra, report: (cause, outcome) => report(cause, outcome) }),
  maxConcurrency: 1,
});
