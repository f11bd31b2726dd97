import { randomUUID } from 'node:crypto';
import type { Command } from '@df/contracts';
import type { Database } from '@df/db';
import type { Logger } from '@df/telemetry';
import { type Kysely, sql, type Transaction } from 'kysely';
import { rebuildList } from './rebuild.ts';
import type { ListSyncDeps } from './reconcile.ts';

/**
 * `LIST_SYNC_REMOVAL=configured_only`: Aloware can remove a contact only from every list at once, which would
 * also empty lists no rule manages. In this mode a removal is not made on the contact: the list it leaves is
 * marked in `sync_state` (`direction` list-sync, `entity_type` removals:<tenant>:<listId>, `cursor_updated_at` =
 * since when), and every batch period one instance claims the marked lists and hard-rebuilds each: the list is
 * cleared alone (`powerdialer-clear-list` touches no other list) and everyone tagged is added back. The cost:
 * one Lead API call per member of the list per batch (instead of 2–3 calls per removal), the list empty or
 * partial while it refills, and removals that wait up to a batch period.
 */
const key = (tenant: string, listId: number) => `removals:${tenant}:${listId}`;

/** Marks a list for a rebuild; an earlier mark keeps its time. Runs in the transaction that records the change. */
export async function markListForRebuild(
  db: Kysely<Database> | Transaction<Database>,
  tenant: string,
  listId: number,
): Promise<void> {
  await db
    .insertInto('sync_state')
    .values({
      direction: 'list-sync',
      entity_type: key(tenant, listId),
      tenant,
      cursor_updated_at: new Date(),
    })
    .onConflict((oc) =>
      oc
        .columns(['direction', 'entity_type'])
        .doUpdateSet({ cursor_updated_at: sql`coalesce(sync_state.cursor_updated_at, now())` }),
    )
    .execute();
}

/** Takes the list's mark, if there is one: of several instances, one gets it (a single conditional update). */
async function claim(db: Kysely<Database>, tenant: string, listId: number): Promise<boolean> {
  const row = await db
    .updateTable('sync_state')
    .set({ cursor_updated_at: null, last_run_at: new Date() })
    .where('direction', '=', 'list-sync')
    .where('entity_type', '=', key(tenant, listId))
    .where('cursor_updated_at', 'is not', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Every `everyMs`, hard-rebuilds the lists removals are waiting for (none unless `configured_only`). */
export function scheduleRemovalRebuilds(deps: ListSyncDeps, tenant: string, everyMs: number, log: Logger) {
  if (deps.config.removal !== 'configured_only' || everyMs <= 0) return { async stop() {} };
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      for (const rule of deps.config.rules) {
        if (rule.target.kind !== 'list') continue;
        const listId = rule.target.listId;
        if (!(await claim(deps.db, tenant, listId))) continue;
        const command: Extract<Command, { type: 'list.rebuild_requested' }> = {
          id: randomUUID(),
          type: 'list.rebuild_requested',
          tenant,
          requestedAt: new Date().toISOString(),
          requestedBy: 'list-sync-removals',
          correlationId: randomUUID(),
          data: { target: { by: 'tag', tag: rule.tag }, mode: 'hard' },
        };
        try {
          await rebuildList(command, deps);
          await deps.db
            .updateTable('sync_state')
            .set({ last_success_at: new Date() })
            .where('direction', '=', 'list-sync')
            .where('entity_type', '=', key(tenant, listId))
            .execute();
        } catch (error) {
          // The removals still wait: marked again, so the next period (or another instance) rebuilds the list.
          await markListForRebuild(deps.db, tenant, listId).catch(() => {});
          log.warn('list rebuild for removals failed; it runs again next period', {
            listId,
            error: String(error),
          });
        }
      }
    });
  };
  const timer = setInterval(tick, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
