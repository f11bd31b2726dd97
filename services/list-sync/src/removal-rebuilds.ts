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

/**
 * Marks a list for a rebuild; an earlier mark keeps its time. Runs in the transaction that records the change.
 * Each mark gets a new `cursor_id`, so a rebuild clears only the marks made before it started.
 */
export async function markListForRebuild(
  db: Kysely<Database> | Transaction<Database>,
  tenant: string,
  listId: number,
): Promise<void> {
  const mark = randomUUID();
  await db
    .insertInto('sync_state')
    .values({
      direction: 'list-sync',
      entity_type: key(tenant, listId),
      tenant,
      cursor_updated_at: new Date(),
      cursor_id: mark,
    })
    .onConflict((oc) =>
      oc.columns(['direction', 'entity_type']).doUpdateSet({
        cursor_updated_at: sql`coalesce(sync_state.cursor_updated_at, now())`,
        cursor_id: mark,
      }),
    )
    .execute();
}

// Longer than a list's rebuild takes: an instance that died holding a claim holds it until then.
const CLAIM_LEASE_MS = 60 * 60_000;

/**
 * Claims a marked list for a rebuild (`started_at`), leaving the mark in place: of several instances one gets
 * it, and if that one dies before its rebuild is done, the list is claimed again once the lease runs out.
 * Returns the mark the rebuild answers, or null when there is none or another instance holds it.
 */
export async function claimRemovals(
  db: Kysely<Database>,
  tenant: string,
  listId: number,
  leaseMs = CLAIM_LEASE_MS,
): Promise<{ mark: string | null } | null> {
  const row = await db
    .updateTable('sync_state')
    .set({ started_at: new Date(), last_run_at: new Date() })
    .where('direction', '=', 'list-sync')
    .where('entity_type', '=', key(tenant, listId))
    .where('cursor_updated_at', 'is not', null)
    .where((eb) =>
      eb.or([eb('started_at', 'is', null), eb('started_at', '<', new Date(Date.now() - leaseMs))]),
    )
    .returning('cursor_id')
    .executeTakeFirst();
  return row ? { mark: row.cursor_id } : null;
}

/** Ends a claim; a successful rebuild clears the mark unless a removal marked the list again meanwhile. */
async function finishClaim(
  db: Kysely<Database>,
  tenant: string,
  listId: number,
  claim: { mark: string | null },
  succeeded: boolean,
): Promise<void> {
  const row = () =>
    db
      .updateTable('sync_state')
      .where('direction', '=', 'list-sync')
      .where('entity_type', '=', key(tenant, listId));
  if (succeeded) {
    await row()
      .set({ cursor_updated_at: null, cursor_id: null, last_success_at: new Date() })
      .where('cursor_id', 'is not distinct from', claim.mark)
      .execute();
  }
  await row().set({ started_at: null }).execute();
}

/** Every `everyMs`, hard-rebuilds the lists removals are waiting for (none unless `configured_only`). */
export function scheduleRemovalRebuilds(
  deps: ListSyncDeps,
  tenant: string,
  everyMs: number,
  log: Logger,
  claimLeaseMs = CLAIM_LEASE_MS,
) {
  if (deps.config.removal !== 'configured_only' || everyMs <= 0) return { async stop() {} };
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      for (const rule of deps.config.rules) {
        if (rule.target.kind !== 'list') continue;
        const listId = rule.target.listId;
        const claim = await claimRemovals(deps.db, tenant, listId, claimLeaseMs);
        if (!claim) continue;
        const command: Extract<Command, { type: 'list.rebuild_requested' }> = {
          id: randomUUID(),
          type: 'list.rebuild_requested',
          tenant,
          requestedAt: new Date().toISOString(),
          requestedBy: 'list-sync-removals',
          correlationId: randomUUID(),
          data: { target: { by: 'tag', tag: rule.tag }, mode: 'hard' },
        };
        let succeeded = false;
        try {
          await rebuildList(command, deps);
          succeeded = true;
        } catch (error) {
          // The removals still wait: the mark stays, so the next period (or another instance) rebuilds the list.
          log.warn('list rebuild for removals failed; it runs again next period', {
            listId,
            error: String(error),
          });
        } finally {
          await finishClaim(deps.db, tenant, listId, claim, succeeded).catch(() => {});
        }
      }
    });
    // A failed period (the database out of reach) must not reject the chain: every later period would be skipped.
    running = running.catch((error: unknown) =>
      log.warn('list rebuilds for removals failed; they run again next period', { error: String(error) }),
    );
  };
  const timer = setInterval(tick, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
