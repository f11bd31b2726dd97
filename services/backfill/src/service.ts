import type { AlowareClient } from '@df/aloware-client';
import { Command, TOPICS } from '@df/contracts';
import type { GhlClient } from '@df/ghl-client';
import { EventProducer, type HandlerMap } from '@df/kafka';
import {
  type ConsumerTuning,
  defineConsumer,
  type Infrastructure,
  type OutcomeInput,
  type ServiceMetrics,
} from '@df/service-runtime';
import type { BackfillConfig } from './config.ts';
import { backfillGhl, type GhlBackfillDeps } from './ghl-backfill.ts';
import { consumerLag, waitForHeadroom } from './headroom.ts';
import { snapshotPublisher } from './publisher.ts';
import { type ReconcileDeps, reconcile } from './reconcile.ts';
import { scheduleReconcile } from './schedule.ts';

export const BACKFILL_GROUP = 'backfill';

export interface BackfillTools {
  /** GHL on the bulk share of the location's budget (`BudgetShareLimiter`). */
  ghl: Pick<GhlClient, 'searchContacts' | 'locationId'>;
  aloware: Pick<AlowareClient, 'lookupContactByPhone'>;
}

interface Deps {
  backfill: Omit<GhlBackfillDeps, 'afterPage'>;
  reconcile: Omit<ReconcileDeps, 'report'>;
  report: (
    cause: Pick<Command, 'id' | 'correlationId' | 'tenant'>,
    outcome: OutcomeInput,
  ) => Promise<unknown>;
  locationId: string;
}

/** A command for a tenant this process cannot reach (its GHL client serves one location) is reported, not run. */
async function forThisLocation(command: Command, deps: Deps): Promise<boolean> {
  if (command.tenant === deps.locationId) return true;
  await deps.report(command, {
    entity: { type: 'contact', id: null },
    direction: 'internal',
    action: 'skipped',
    reason: `unknown_tenant: this deployment serves GHL location ${deps.locationId}`,
    target: { system: 'middleware', id: null },
  });
  return false;
}

export function backfillHandlers(): HandlerMap<Command, Deps> {
  return {
    'backfill.requested': async (command, deps) => {
      if (!(await forThisLocation(command, deps))) return;
      const done = await backfillGhl(command.tenant, deps.backfill, { restart: command.data.restart });
      await deps.report(command, {
        entity: { type: 'contact', id: null },
        direction: 'internal',
        action: 'skipped',
        reason: `backfill: ${done.counts.published ?? 0} snapshots published in ${done.counts.pages ?? 0} pages${done.resumed ? ' (resumed)' : ''}`,
        target: { system: 'middleware', id: null },
      });
    },
    'reconcile.requested': async (command, deps) => {
      if (!(await forThisLocation(command, deps))) return;
      await reconcile(command, { ...deps.reconcile, report: deps.report });
    },
  };
}

export interface RunningBackfill {
  stop(deadlineMs?: number): Promise<void>;
}

/** The backfill service: consumes its commands on `commands.v1` and runs the scheduled reconciliation. */
export async function startBackfill(
  infra: Infrastructure,
  tools: BackfillTools,
  config: BackfillConfig,
  options: { metrics?: ServiceMetrics; tuning?: ConsumerTuning } = {},
): Promise<RunningBackfill> {
  const publisher = snapshotPublisher(infra);
  const commands = new EventProducer(infra.kafka, infra.codec);
  await commands.connect();
  const commandsTopic = `${infra.topicPrefix}${TOPICS.commands}`;
  const request = async (list: Command[]) => {
    if (list.length === 0) return;
    const records = list.map((c) => ({ key: `${c.tenant}:${keyOf(c)}`, value: Command.parse(c) }));
    await commands.publish(commandsTopic, await infra.schemaIdFor(commandsTopic), records);
  };
  const lag = consumerLag(
    infra.kafka,
    config.watchGroups.map((g) => `${infra.topicPrefix}${g}`),
    [`${infra.topicPrefix}${TOPICS.ghl}`, `${infra.topicPrefix}${TOPICS.aloware}`],
  );
  let deps: Deps | undefined;
  const definition = defineConsumer<Command, Deps>({
    group: BACKFILL_GROUP,
    topics: [TOPICS.commands],
    parse: (value) => Command.parse(value),
    handlers: backfillHandlers(),
    deps: ({ infra, report }) => {
      deps = {
        locationId: tools.ghl.locationId,
        report,
        backfill: {
          db: infra.db,
          ghl: tools.ghl,
          publish: publisher.publish,
          headroom: () => waitForHeadroom(lag.lag, config.maxLag),
          pageSize: config.pageSize,
          batchSize: config.batchSize,
        },
        reconcile: {
          db: infra.db,
          ghl: tools.ghl,
          aloware: tools.aloware,
          alowarePerSecond: config.alowarePerSecond,
          rules: config.rules,
          pageSize: config.pageSize,
          request,
        },
      };
      return deps;
    },
    // One run at a time per instance: runs are long and share one budget.
    maxConcurrency: 1,
  });
  const running = await definition.start(infra, options);
  const scheduled = scheduleReconcile(infra, config, tools.ghl.locationId, request);
  return {
    async stop(deadlineMs) {
      scheduled.stop();
      await running.stop(deadlineMs);
      await Promise.all([publisher.close(), commands.disconnect(), lag.close()]);
    },
  };
}

const keyOf = (c: Command) =>
  c.type === 'contact.sync_requested' && c.data.target.by === 'ghl_id' ? c.data.target.ghlContactId : c.type;
