import { randomUUID } from 'node:crypto';
import type { Command } from '@df/contracts';
import type { Database } from '@df/db';
import type { Logger } from '@df/telemetry';
import { type Kysely, sql } from 'kysely';
import { rebuildList } from './rebuild.ts';
import type { ListSyncDeps } from './reconcile.ts';

// How often an instance looks whether a rebuild is due; the interval itself is configuration.
const CHECK_EVERY_MS = 60_000;

/**
 * Claims the periodic rebuild of one rule's tag for this tenant when its interval has passed since the last
 * run, in `sync_state` (`direction` list-sync, `entity_type` rebuild:<tenant>:<tag>): one conditional upsert,
 * so of several instances exactly one wins each period.
 */
async function claim(db: Kysely<Database>, key: string, everyMs: number): Promise<boolean> {
  const due = new Date(Date.now() - everyMs);
  const row = await db
    .insertInto('sync_state')
    .values({ direction: 'list-sync', entity_type: key, last_run_at: new Date() })
    .onConflict((oc) =>
      oc
        .columns(['direction', 'entity_type'])
        .doUpdateSet({ last_run_at: new Date() })
        .where(sql`sync_state.last_run_at`, '<', due),
    )
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The nightly soft rebuild (every `everyMs`, 0 = off) of every rule's list, so whatever events missed is
 * repaired without an operator. Runs in-process like a `list.rebuild_requested` from `list-sync-scheduler`.
 */
export function scheduleRebuilds(deps: ListSyncDeps, tenant: string, everyMs: number, log: Logger) {
  if (everyMs <= 0 || deps.config.rules.length === 0) return { stop() {} };
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running
      .then(async () => {
        for (const rule of deps.config.rules) {
          if (!(await claim(deps.db, `rebuild:${tenant}:${rule.tag}`, everyMs))) continue;
          const command: Extract<Command, { type: 'list.rebuild_requested' }> = {
            id: randomUUID(),
            type: 'list.rebuild_requested',
            tenant,
            requestedAt: new Date().toISOString(),
            requestedBy: 'list-sync-scheduler',
            correlationId: randomUUID(),
            data: { target: { by: 'tag', tag: rule.tag }, mode: 'soft' },
          };
          await rebuildList(command, deps);
          await deps.db
            .updateTable('sync_state')
            .set({ last_success_at: new Date() })
            .where('direction', '=', 'list-sync')
            .where('entity_type', '=', `rebuild:${tenant}:${rule.tag}`)
            .execute();
        }
      })
      .catch((error: unknown) =>
        log.warn(
          'scheduled list rebuild failed; it runs again next period (or: npm run lists -- rebuild <tag>)',
          { error: String(error) },
        ),
      );
  };
  const timer = setInterval(tick, Math.min(CHECK_EVERY_MS, everyMs));
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
