import {
  type Env,
  type GhlAndAlowareSettings,
  ghlAndAlowareEnv,
  nonNegativeInt,
  oneOf,
  parseEnv,
  positiveInt,
  requireGhlAndAloware,
  text,
  toGhlAndAlowareSettings,
} from '@df/env';
import { z } from 'zod';
import { parseListRules } from './domain/rules.ts';
import type { ListSyncConfig } from './reconcile.ts';

/** list-sync's rules (README: "list-sync"); the all-in-one process reads the same variable. */
export const listSyncRulesEnv = {
  // `tag=listId[:top][:include-dnd]` or `tag=owner[…]`, separated by `;`. Unset: no list is managed.
  LIST_SYNC_RULES: text(''),
  // Seconds between soft rebuilds of every rule's list (the first at start); 0 turns them off.
  LIST_SYNC_REBUILD_EVERY_S: nonNegativeInt(86_400, 'seconds'),
  // all_lists: remove-from-all then re-add (empties unmanaged lists too); configured_only: never remove-from-all,
  // rebuild the list a contact leaves instead (README: "list-sync", the collateral effect and its cost).
  LIST_SYNC_REMOVAL: oneOf(['all_lists', 'configured_only'] as const, 'all_lists'),
  // configured_only: seconds between the batched rebuilds of the lists removals wait for.
  LIST_SYNC_REMOVAL_BATCH_S: positiveInt(60, 'seconds'),
};

/** Refuses rules that do not parse, naming each: a bad rule must stop the start, not silently drop a list. */
export function refineListSyncEnv(env: { LIST_SYNC_RULES: string }, ctx: z.RefinementCtx): void {
  const parsed = parseListRules(env.LIST_SYNC_RULES);
  if ('errors' in parsed) {
    for (const message of parsed.errors) ctx.addIssue({ code: 'custom', path: ['LIST_SYNC_RULES'], message });
  }
}

export function toListSyncConfig(
  env: {
    LIST_SYNC_RULES: string;
    LIST_SYNC_REBUILD_EVERY_S: number;
    LIST_SYNC_REMOVAL?: 'all_lists' | 'configured_only';
    LIST_SYNC_REMOVAL_BATCH_S?: number;
  },
  ghlLocationId: string | null = null,
): ListSyncConfig {
  const parsed = parseListRules(env.LIST_SYNC_RULES);
  // The refinement refused the environment when the rules did not parse.
  return {
    rules: 'rules' in parsed ? parsed.rules : [],
    ghlLocationId,
    rebuildEveryMs: env.LIST_SYNC_REBUILD_EVERY_S * 1000,
    removal: env.LIST_SYNC_REMOVAL ?? 'all_lists',
    removalBatchMs: (env.LIST_SYNC_REMOVAL_BATCH_S ?? 60) * 1000,
  };
}

/** Every variable list-sync reads on its own. */
export const ListSyncEnv = z.object({ ...ghlAndAlowareEnv, ...listSyncRulesEnv }).superRefine((env, ctx) => {
  refineListSyncEnv(env, ctx);
  requireGhlAndAloware(env, ctx, '(list-sync reads GHL and writes to Aloware)');
});

export interface ListSyncSettings extends GhlAndAlowareSettings {
  listSync: ListSyncConfig;
}

/** Parses list-sync's environment once; throws a ConfigError naming every refused variable. */
export function loadListSyncSettings(env: Env): ListSyncSettings {
  const e = parseEnv(ListSyncEnv, env);
  return {
    ...toGhlAndAlowareSettings(e),
    listSync: toListSyncConfig(e, e.GHL_LOCATION_ID ?? null),
  };
}
