import { nameUuid } from '@df/contracts';
import type { OutcomeInput } from '@df/service-runtime';
import type { PlannedOutcome } from './domain/plan.ts';
import { relayMappedFacts } from './mapped-facts.ts';
import { type OutboxEntry, pendingOutbox, removeFromOutbox } from './store.ts';
import type { Cause, ContactSyncDeps } from './sync-contact.ts';

/** An outcome as decided, before it is tied to its cause and entity. */
export type Decided = PlannedOutcome | Omit<OutcomeInput, 'entity'>;
export type Step = (name: string, outcome: Decided) => OutboxEntry;

/** Outcomes of one cause, with ids derived from the cause and the step that decided them. */
export function stepper(cause: Cause, entityId: string | null): Step {
  return (name, outcome) => ({
    id: nameUuid(`${cause.id}|contact-sync|${name}`),
    cause: { id: cause.id, correlationId: cause.correlationId, tenant: cause.tenant },
    outcome: { ...outcome, entity: { type: 'contact', id: entityId } },
  });
}

// Outcomes a crashed process committed but never published are picked up by the next handler after this.
const LEFTOVER_AFTER_MS = 30_000;

/**
 * Publishes the mapping facts and outcomes waiting in the outboxes: the outcomes the caller just committed
 * (`ids`) and the fact of the mapping it saved (`mappingId`), and leftovers of a crash. Each handler relays its
 * own, so concurrent handlers do not publish each other's (the audit and call-sync would absorb the copies by
 * id and version, but they would cost Kafka round trips).
 */
export async function relayOutbox(deps: ContactSyncDeps, ids: string[], mappingId?: string): Promise<void> {
  await relayMappedFacts(deps.db, deps.publishMapped, { mappingIds: mappingId ? [mappingId] : [] });
  await relayOutcomes(deps, { ids });
  // Someone else's leftovers must not fail this event: they stay for the next handler to try.
  try {
    await relayMappedFacts(deps.db, deps.publishMapped, { olderThanMs: LEFTOVER_AFTER_MS });
    await relayOutcomes(deps, { olderThanMs: LEFTOVER_AFTER_MS });
  } catch {
    // retried by the next handler's relay
  }
}

async function relayOutcomes(deps: ContactSyncDeps, which: Parameters<typeof pendingOutbox>[1]) {
  const entries = await pendingOutbox(deps.db, which);
  for (const entry of entries) {
    await deps.report(entry.cause, { ...(entry.outcome as OutcomeInput), id: entry.id });
  }
  await removeFromOutbox(
    deps.db,
    entries.map((e) => e.id),
  );
}
