import type { ContactData, EventEnvelope } from '@df/contracts';
import type { Database } from '@df/db';
import { PermanentError } from '@df/kafka';
import type { OutcomeInput } from '@df/service-runtime';
import type { Kysely } from 'kysely';
import {
  type ConflictPolicy,
  type Decision,
  mergedSnapshot,
  mergeFields,
  type Side,
} from './domain/merge.ts';
import { changedFields, fingerprint, isEmpty, type Snapshot, snapshotOf } from './domain/snapshot.ts';
import {
  type ContactRecord,
  findContact,
  isProcessed,
  lockPerson,
  markProcessed,
  saveContact,
} from './store.ts';
import type { ContactTools } from './tools.ts';

export interface ContactSyncConfig {
  policy: ConflictPolicy;
  /** What happens to the Aloware contact when the GHL contact is deleted (Aloware has no delete API). */
  onGhlDelete: 'tag' | 'ignore';
  deletedTag: string;
}

export interface ContactSyncDeps {
  db: Kysely<Database>;
  tools: ContactTools;
  config: ContactSyncConfig;
  /** Reports one outcome for the event being handled (written before the transaction commits). */
  report: (cause: Cause, outcome: OutcomeInput) => Promise<unknown>;
}

/** What an outcome answers: an event, or an operator command. */
export type Cause = Pick<EventEnvelope, 'id' | 'correlationId' | 'tenant'>;

/** What one side's change means for a person, as input to `syncContact`. */
export interface ContactChange {
  cause: Cause;
  side: Side;
  sourceId: string | null;
  snapshot: Snapshot;
  at: string;
  /** "Sync this contact now": write the merged state to both sides even where we believe it is there. */
  force?: boolean;
}

const OTHER: Record<Side, Side> = { aloware: 'ghl', ghl: 'aloware' };
const DIRECTION: Record<Side, 'aloware_to_ghl' | 'ghl_to_aloware'> = {
  aloware: 'aloware_to_ghl',
  ghl: 'ghl_to_aloware',
};

export function changeFromEvent(event: EventEnvelope): ContactChange {
  const data = event.data as ContactData;
  const side = event.source === 'ghl' ? 'ghl' : 'aloware';
  const sourceId = (side === 'ghl' ? data.ghlContactId : data.alowareContactId) ?? event.entity.id;
  return { cause: event, side, sourceId, snapshot: snapshotOf(data), at: event.occurredAt };
}

/** Echo: everything in the webhook is what we last wrote into that side, or already known to be there. */
function isEcho(contact: ContactRecord, change: ContactChange): boolean {
  const written = contact.written[change.side];
  if (!written) return false;
  const writtenFields = Object.fromEntries(JSON.parse(written) as [string, unknown][]) as Snapshot;
  const said = Object.fromEntries(
    Object.entries(change.snapshot).filter(([field]) => field in writtenFields),
  ) as Snapshot;
  if (fingerprint(said) !== written) return false;
  return isEmpty(changedFields(change.snapshot, { ...contact.known[change.side], ...writtenFields }));
}

/**
 * One contact change, effectively once: under the person's lock, skip what was processed already or is our
 * own echo, merge by the conflict policy, write to each side whatever it does not hold yet, and record it all
 * (mapping, memory, processed id) in the same transaction. A crash before commit repeats the writes, which
 * are idempotent (upsert by phone/e-mail, update by id, Aloware's force_update by phone).
 */
export async function syncContact(change: ContactChange, deps: ContactSyncDeps): Promise<void> {
  const { cause, side } = change;
  const other = OTHER[side];
  const phone = typeof change.snapshot.phone === 'string' ? change.snapshot.phone : null;
  const email = typeof change.snapshot.email === 'string' ? change.snapshot.email : null;
  const entity = { type: 'contact' as const, id: change.sourceId };

  await deps.db.transaction().execute(async (trx) => {
    await lockPerson(trx, phone ?? email ?? `${side}:${change.sourceId ?? cause.id}`);
    if (await isProcessed(trx, cause.id)) return;

    const found = await findContact(trx, side, { sourceId: change.sourceId, phone, email });
    const contact: ContactRecord = found ?? {
      tenant: cause.tenant,
      alowareContactId: null,
      ghlContactId: null,
      phone,
      email,
      fields: {},
      known: { aloware: null, ghl: null },
      written: { aloware: null, ghl: null },
      deletedInGhlAt: null,
    };
    if (side === 'ghl') contact.ghlContactId ??= change.sourceId;
    else contact.alowareContactId ??= change.sourceId;

    if (!change.force && found && isEcho(found, change)) {
      contact.known[side] = { ...contact.known[side], ...change.snapshot };
      await saveContact(trx, contact, DIRECTION[side]);
      await markProcessed(trx, cause.id);
      await deps.report(cause, {
        entity,
        direction: DIRECTION[side],
        action: 'skipped',
        reason: 'echo',
        target: { system: other, id: side === 'ghl' ? contact.alowareContactId : contact.ghlContactId },
      });
      return;
    }

    const { fields, decisions } = mergeFields(
      contact.fields,
      change.snapshot,
      side,
      change.at,
      deps.config.policy,
    );
    contact.fields = fields;
    // A stale value is history, not what the side holds now; the other rejections are what it holds.
    const stale = new Set(decisions.filter((d) => d.reason === 'stale').map((d) => d.field));
    const current = Object.fromEntries(
      Object.entries(change.snapshot).filter(([f]) => !stale.has(f as never)),
    );
    contact.known[side] = { ...contact.known[side], ...current };
    const merged = mergedSnapshot(fields);
    contact.phone = typeof merged.phone === 'string' ? merged.phone : contact.phone;
    contact.email = typeof merged.email === 'string' ? merged.email : contact.email;

    for (const decision of decisions) await reportDecision(deps, cause, entity, side, decision);

    let wrote = false;
    // The other side first (the point of the event), then the event's own side when it lost a conflict.
    for (const target of [other, side]) {
      const changes = changedFields(merged, change.force ? null : contact.known[target]);
      if (isEmpty(changes)) continue;
      wrote = (await writeSide(target, contact, merged, changes, deps, cause, entity)) || wrote;
    }
    if (!wrote && decisions.length === 0) {
      await deps.report(cause, {
        entity,
        direction: DIRECTION[side],
        action: 'skipped',
        reason: 'no_change',
        target: { system: other, id: other === 'ghl' ? contact.ghlContactId : contact.alowareContactId },
      });
    }
    await saveContact(trx, contact, DIRECTION[side]);
    await markProcessed(trx, cause.id);
  });
}

/** Writes `changes` into one side, updates what we believe it holds, and reports it. */
async function writeSide(
  target: Side,
  contact: ContactRecord,
  merged: Snapshot,
  changes: Snapshot,
  deps: ContactSyncDeps,
  cause: Cause,
  entity: { type: 'contact'; id: string | null },
): Promise<boolean> {
  const direction = target === 'ghl' ? 'aloware_to_ghl' : 'ghl_to_aloware';
  let action: 'created' | 'updated';
  let written: Snapshot = changes;
  if (target === 'ghl') {
    if (contact.deletedInGhlAt) return false;
    if (contact.ghlContactId) {
      await deps.tools.ghl.update(contact.ghlContactId, changes, contact.alowareContactId);
      action = 'updated';
    } else {
      // A new GHL contact gets the whole merged contact, not just the changes.
      written = merged;
      const result = await deps.tools.ghl.upsert(merged, contact.alowareContactId);
      contact.ghlContactId = result.id;
      action = result.created ? 'created' : 'updated';
    }
  } else {
    const phone = typeof merged.phone === 'string' ? merged.phone : null;
    if (!phone) {
      // Aloware keys contacts by phone: without one the person cannot exist there.
      await deps.report(cause, {
        entity,
        direction,
        action: 'skipped',
        reason: 'no_phone',
        target: { system: 'aloware', id: null },
      });
      return false;
    }
    written = { ...changes, phone };
    action = await deps.tools.aloware.upsert(phone, written);
  }
  contact.known[target] = { ...contact.known[target], ...written };
  contact.written[target] = fingerprint(written);
  await deps.report(cause, {
    entity,
    direction,
    action,
    reason: null,
    target: { system: target, id: target === 'ghl' ? contact.ghlContactId : contact.alowareContactId },
  });
  return true;
}

async function reportDecision(
  deps: ContactSyncDeps,
  cause: Cause,
  entity: { type: 'contact'; id: string | null },
  side: Side,
  decision: Decision,
) {
  await deps.report(cause, {
    entity,
    direction: DIRECTION[side],
    action: 'conflict_resolved',
    // Field names only: the values are personal data and stay out of the audit trail's reason text.
    reason: `${decision.field}: ${decision.reason}`,
    target: { system: 'middleware', id: null },
  });
}

/** GHL deleted the contact: the mapping is closed; Aloware (which cannot delete) gets a tag by default. */
export async function contactDeletedInGhl(event: EventEnvelope, deps: ContactSyncDeps): Promise<void> {
  const data = event.data as ContactData;
  const ghlId = data.ghlContactId ?? event.entity.id;
  if (!ghlId) throw new PermanentError('missing-id', 'ContactDelete without a contact id');
  await deps.db.transaction().execute(async (trx) => {
    const contact = await findContact(trx, 'ghl', { sourceId: ghlId, phone: null, email: null });
    await lockPerson(trx, contact?.phone ?? contact?.email ?? `ghl:${ghlId}`);
    if (await isProcessed(trx, event.id)) return;
    const entity = { type: 'contact' as const, id: ghlId };
    if (!contact) {
      await deps.report(event, {
        entity,
        direction: 'ghl_to_aloware',
        action: 'skipped',
        reason: 'not_mapped',
        target: { system: 'aloware', id: null },
      });
    } else {
      if (deps.config.onGhlDelete === 'tag' && contact.phone) {
        await deps.tools.aloware.upsert(contact.phone, {}, [deps.config.deletedTag]);
      }
      contact.deletedInGhlAt = new Date(event.occurredAt);
      await saveContact(trx, contact, 'ghl_to_aloware');
      await deps.report(event, {
        entity,
        direction: 'ghl_to_aloware',
        action: deps.config.onGhlDelete === 'tag' && contact.phone ? 'updated' : 'deleted',
        reason: deps.config.onGhlDelete === 'tag' ? `tagged ${deps.config.deletedTag}` : 'mapping closed',
        target: { system: 'aloware', id: contact.alowareContactId },
      });
    }
    await markProcessed(trx, event.id);
  });
}
