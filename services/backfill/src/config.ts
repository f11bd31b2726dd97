import {
  bool,
  type Env,
  type GhlAndAlowareSettings,
  ghlAndAlowareEnv,
  nonNegativeInt,
  parseEnv,
  positiveInt,
  requireGhlAndAloware,
  text,
  toGhlAndAlowareSettings,
} from '@df/env';
import { listSyncRulesEnv, parseListRules, refineListSyncEnv } from '@df/list-sync';
import { z } from 'zod';
import type { ListRuleView } from './domain/drift.ts';

/** Settings of backfill and reconciliation (README: "Backfill and reconciliation"; defaults in .env.example). */
export const backfillEnv = {
  // Share (0–1] of the location's GHL rate that backfill and reconciliation may use; the rest stays for live traffic.
  BACKFILL_GHL_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  // Contacts per GHL search page (GHL allows up to 500).
  BACKFILL_PAGE_SIZE: positiveInt(100).refine(
    (n) => n <= 500,
    "expected at most 500 (GHL's search page limit)",
  ),
  // Snapshots published at once. The next batch waits until every watched consumer group is at most
  // BACKFILL_MAX_LAG records behind on the GHL and Aloware topics (the snapshots and their echoes), so snapshots
  // never queue in front of live webhooks. A larger batch or lag backfills faster and delays live traffic more.
  BACKFILL_BATCH: positiveInt(10),
  BACKFILL_MAX_LAG: nonNegativeInt(10, 'records'),
  BACKFILL_WATCH_GROUPS: text('contact-sync,list-sync'),
  // Seconds between scheduled reconciliations (86400 = daily); 0 = off (run it with npm run reconcile).
  RECONCILE_EVERY_S: nonNegativeInt(0, 'seconds'),
  // Whether the scheduled reconciliation heals what it finds, or only reports it.
  RECONCILE_HEAL: bool(false),
  // Aloware lookups per second during a reconciliation (Aloware documents no limit; a lookup takes 1–1.5 s).
  RECONCILE_ALOWARE_PER_S: positiveInt(5),
};

export interface BackfillConfig {
  share: number;
  pageSize: number;
  batchSize: number;
  maxLag: number;
  watchGroups: string[];
  reconcileEveryMs: number;
  reconcileHeal: boolean;
  alowarePerSecond: number;
  rules: ListRuleView[];
}

export function toBackfillConfig(e: z.output<z.ZodObject<typeof backfillEnv>> & { LIST_SYNC_RULES: string }) {
  const parsed = parseListRules(e.LIST_SYNC_RULES);
  return {
    share: e.BACKFILL_GHL_SHARE,
    pageSize: e.BACKFILL_PAGE_SIZE,
    batchSize: e.BACKFILL_BATCH,
    maxLag: e.BACKFILL_MAX_LAG,
    watchGroups: e.BACKFILL_WATCH_GROUPS.split(',')
      .map((g) => g.trim())
      .filter(Boolean),
    reconcileEveryMs: e.RECONCILE_EVERY_S * 1000,
    reconcileHeal: e.RECONCILE_HEAL,
    alowarePerSecond: e.RECONCILE_ALOWARE_PER_S,
    rules: 'rules' in parsed ? parsed.rules : [],
  } satisfies BackfillConfig;
}

export const DEFAULT_BACKFILL_CONFIG: BackfillConfig = toBackfillConfig({
  ...z.object(backfillEnv).parse({}),
  LIST_SYNC_RULES: '',
});

const BackfillServiceEnv = z
  .object({ ...ghlAndAlowareEnv, ...listSyncRulesEnv, ...backfillEnv })
  .superRefine((env, ctx) => {
    refineListSyncEnv(env, ctx);
    requireGhlAndAloware(env, ctx, '(backfill pages GHL; reconciliation looks contacts up in Aloware)');
  });

export interface BackfillSettings extends GhlAndAlowareSettings {
  backfill: BackfillConfig;
}

export function loadBackfillSettings(env: Env): BackfillSettings {
  const e = parseEnv(BackfillServiceEnv, env);
  return {
    ...toGhlAndAlowareSettings(e),
    backfill: toBackfillConfig(e),
  };
}
