import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CONSUMER_GROUPS, type ConsumerGroup } from '@df/contracts';
import type { RebuildSummary, SideEffectReplaySummary } from '@df/replay';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { rebuild, redrive, replay } from './jobs.ts';
import { progressBar } from './progress.ts';
import { PROJECTIONS, projectionsNamed } from './projections.ts';

const USAGE = `usage:
  npm run replay -- rebuild <${Object.keys(PROJECTIONS).join('|')}|<service>> [--from T] [--dry-run] [--json]
  npm run replay -- replay <group> --from T [--with-side-effects] [--tenant X] [--entity ID] [--type T]... [--run ID] [--dry-run] [--json]
  npm run replay -- redrive <group> [--offset N]... [--reason R] [--source-topic T] [--json]`;

/**
 * Operator jobs, run in this process: the operator sees progress and the summary directly, and nothing here
 * goes around the log (a rebuild writes only projections, from the log; replayed copies and redriven letters go
 * through Kafka to the live consumers). The same jobs run from commands.v1 (services/replay/src/commands.ts).
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'with-side-effects': { type: 'boolean', default: false },
    tenant: { type: 'string' },
    entity: { type: 'string' },
    type: { type: 'string', multiple: true },
    run: { type: 'string' },
    offset: { type: 'string', multiple: true },
    reason: { type: 'string' },
    'source-topic': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const [verb, target] = positionals;
const fail = (message: string): never => {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
};
const from = values.from === undefined ? undefined : new Date(values.from);
if (from && Number.isNaN(from.getTime())) fail(`--from is not a time: ${values.from}`);
const group = (name: string | undefined): ConsumerGroup =>
  CONSUMER_GROUPS.includes(name as ConsumerGroup) ? (name as ConsumerGroup) : fail(`unknown group: ${name}`);
if (!verb || !target) fail('a verb and what it acts on are needed');
const rebuilding = verb === 'rebuild' || (verb === 'replay' && !values['with-side-effects']);
if (rebuilding && projectionsNamed(target!).length === 0)
  fail(`nothing is rebuilt from the log for "${target}"`);

const infra = infrastructureFromEnv('replay-cli', createLogger({ service: 'replay-cli' }, { level: 'warn' }));
const bar = progressBar(!values.json && process.stderr.isTTY === true);
const print = (result: unknown, lines: string[]) =>
  console.log(values.json ? JSON.stringify(result, null, 2) : lines.join('\n'));
try {
  if (rebuilding) {
    if (verb === 'replay' && !from) fail('replay needs --from');
    const summaries = await rebuild(infra, target!, {
      ...(from ? { from } : {}),
      dryRun: values['dry-run'],
      onProgress: (p) => (p.phase === 'done' ? bar.finish : bar.update)(p.phase, p.applied, p.total),
    });
    print(summaries, summaries.flatMap(describeRebuild));
  } else if (verb === 'replay') {
    if (!from) fail('replay needs --from');
    // The copies' ids derive from the run: an interrupted run repeated under its id applies nothing twice.
    const runId = values.run ?? randomUUID();
    if (!values['dry-run'])
      console.error(`replay run ${runId} (if interrupted, run again with --run ${runId})`);
    const summary = await replay(
      infra,
      {
        runId,
        group: group(target),
        from: from!,
        filter: { tenant: values.tenant, entityId: values.entity, types: values.type },
        dryRun: values['dry-run'],
      },
      (read, total) => bar.update('read', read, total),
    );
    bar.finish('read', summary.read, summary.read);
    print(summary, describeReplay(summary));
  } else if (verb === 'redrive') {
    const result = await redrive(infra, group(target), {
      ...(values.offset ? { offsets: values.offset } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
      ...(values['source-topic'] ? { sourceTopic: values['source-topic'] } : {}),
    });
    print(result, [`redrove ${result.redriven} dead letter(s) of ${result.group}`]);
  } else {
    fail(`unknown verb: ${verb}`);
  }
} catch (error) {
  console.error(`failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await infra.db.destroy();
}

function describeRebuild(s: RebuildSummary): string[] {
  const rate = Math.round(s.records / Math.max(s.seconds, 0.001)).toLocaleString('en');
  return [
    `${s.projection}: ${s.records.toLocaleString('en')} records in ${s.seconds.toFixed(1)} s (${rate}/s)${s.from ? ` from ${s.from}` : ''}, ${s.switched ? 'switched over' : 'dry run, nothing switched'}`,
    ...(s.unreadable
      ? [`  ${s.unreadable} record(s) no consumer can read, skipped (dead-lettered by the live consumer)`]
      : []),
    ...(s.logComplete
      ? []
      : ['  the log no longer starts at its first record (deleted segments): no live row was removed']),
    ...s.differences.map(
      (d) =>
        `  ${d.table}: ${d.differing} row(s) ${s.switched ? 'written' : 'would be written'}, ${d.extra} ${s.switched ? 'removed' : 'would be removed'}`,
    ),
    '  no call to GHL, Aloware or the texting system (a rebuild holds no tool client)',
  ];
}

function describeReplay(s: SideEffectReplaySummary): string[] {
  return [
    `${s.group}: ${s.selected} of ${s.read} records from ${s.from} ${s.dryRun ? 'would be applied again' : `published again as run ${s.runId}`}`,
    ...Object.entries(s.byType).map(([type, n]) => `  ${type}: ${n}`),
    ...s.sample.map(
      (r) =>
        `  ${r.occurredAt ?? '?'}  ${r.type.padEnd(22)} ${r.tenant}  ${r.entityId ?? '-'}  (${r.replayOf})`,
    ),
    s.dryRun
      ? 'dry run: nothing published; run again without --dry-run to apply'
      : `the copies are applied by ${s.group}'s own consumer`,
  ];
}
