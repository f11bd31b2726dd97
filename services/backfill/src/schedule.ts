import { randomUUID } from 'node:crypto';
import type { Command } from '@df/contracts';
import type { Infrastructure } from '@df/service-runtime';
import type { BackfillConfig } from './config.ts';
import type { ReconcileRequest } from './reconcile.ts';
import { claimScheduled, releaseScheduled } from './watermark.ts';

/**
 * The scheduled reconciliation (every `reconcileEveryMs`, 0 = off): claimed in `sync_state` so one instance
 * publishes it per period, then run like any `reconcile.requested` by whichever instance consumes it.
 * Checked every `checkEveryMs` (at most a minute).
 */
export function scheduleReconcile(
  infra: Pick<Infrastructure, 'db' | 'log'>,
  config: Pick<BackfillConfig, 'reconcileEveryMs' | 'reconcileHeal'>,
  tenant: string,
  request: (commands: Command[]) => Promise<void>,
  checkEveryMs = Math.min(60_000, config.reconcileEveryMs),
) {
  if (config.reconcileEveryMs <= 0) return { stop() {} };
  const tick = () =>
    claimScheduled(infra.db, 'reconcile', tenant, config.reconcileEveryMs)
      .then(async (claimed) => {
        if (!claimed) return;
        const command: ReconcileRequest = {
          id: randomUUID(),
          type: 'reconcile.requested',
          tenant,
          requestedAt: new Date().toISOString(),
          requestedBy: 'reconcile-scheduler',
          correlationId: randomUUID(),
          data: { heal: config.reconcileHeal },
        };
        try {
          await request([command]);
        } catch (error) {
          await releaseScheduled(infra.db, 'reconcile', tenant, config.reconcileEveryMs);
          throw error;
        }
      })
      .catch((error: unknown) =>
        infra.log.warn('scheduled reconciliation not requested; tried again next check', {
          error: String(error),
        }),
      );
  const timer = setInterval(tick, checkEveryMs);
  void tick();
  return { stop: () => clearInterval(timer) };
}
