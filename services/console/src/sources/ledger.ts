import type { Database } from '@df/db';
import { maskText } from '@df/telemetry';
import type { Kysely } from 'kysely';

/** How a person is looked for: a phone (E.164), an Aloware or GHL contact id, or a correlation id. */
export interface LedgerQuery {
  phone?: string;
  contactId?: string;
  correlationId?: string;
  status?: 'pending' | 'processing' | 'done' | 'error';
  limit: number;
  offset: number;
}

export interface Outcome {
  at: string;
  service: string | null;
  direction: string;
  status: string;
  targetId: string | null;
  reason: string | null;
  correlationId: string | null;
}

export interface LedgerRow {
  id: string;
  receivedAt: string;
  source: string;
  type: string;
  entity: { type: string; id: string | null };
  status: string;
  error: string | null;
  processedAt: string | null;
  outcomes: Outcome[];
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const masked = (value: string | null) => (value === null ? null : maskText(value));

/** The contact ids a phone or a contact id stands for, through contact-sync's mappings. */
export async function personIds(
  db: Kysely<Database>,
  who: { phone?: string; contactId?: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('contact_mappings')
    .select(['aloware_contact_id', 'ghl_contact_id'])
    .where((eb) =>
      who.phone
        ? eb('phone_number', '=', who.phone)
        : eb.or([
            eb('aloware_contact_id', '=', who.contactId ?? ''),
            eb('ghl_contact_id', '=', who.contactId ?? ''),
          ]),
    )
    .execute();
  const ids = new Set<string>(who.contactId ? [who.contactId] : []);
  for (const row of rows) {
    if (row.aloware_contact_id) ids.add(row.aloware_contact_id);
    if (row.ghl_contact_id) ids.add(row.ghl_contact_id);
  }
  return [...ids];
}

export function toOutcome(row: {
  started_at: Date | string;
  service: string | null;
  direction: string;
  status: string;
  target_id: string | null;
  error_message: string | null;
  correlation_id: string | null;
}): Outcome {
  return {
    at: iso(row.started_at)!,
    service: row.service,
    direction: row.direction,
    status: row.status,
    targetId: row.target_id,
    reason: masked(row.error_message),
    correlationId: row.correlation_id,
  };
}

/**
 * The ledger's rows, newest first, with the outcomes reported for each. A phone matches the events of the
 * contacts mapped to it and the events keyed by it (a texting or call event names no contact id; rows older
 * than the ledger's natural key are found by contact id until an audit rebuild fills it);
 * a correlation id matches the events whose outcomes carry it. Phones and e-mails leave masked.
 */
export async function searchLedger(db: Kysely<Database>, q: LedgerQuery) {
  const ids = q.phone || q.contactId ? await personIds(db, q) : [];
  let query = db.selectFrom('webhook_events').selectAll();
  if (q.phone || q.contactId) {
    query = query.where((eb) =>
      eb.or([
        ...(ids.length ? [eb('entity_id', 'in', ids)] : []),
        ...(q.phone ? [eb('natural_key', '=', q.phone)] : []),
        eb(
          'id',
          'in',
          eb
            .selectFrom('sync_log')
            .select('event_id')
            .where('event_id', 'is not', null)
            .where((s) =>
              s.or(ids.length ? [s('source_id', 'in', ids), s('target_id', 'in', ids)] : [s.lit(false)]),
            )
            .$narrowType<{ event_id: string }>(),
        ),
      ]),
    );
  }
  if (q.correlationId) {
    const correlationId = q.correlationId;
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('sync_log')
        .select('event_id')
        .where('correlation_id', '=', correlationId)
        .$narrowType<{ event_id: string }>(),
    );
  }
  if (q.status) query = query.where('status', '=', q.status);
  const rows = await query
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .offset(q.offset)
    .execute();
  const page = rows.slice(0, q.limit);
  const outcomes = page.length
    ? await db
        .selectFrom('sync_log')
        .selectAll()
        .where(
          'event_id',
          'in',
          page.map((r) => r.id),
        )
        .orderBy('started_at')
        .execute()
    : [];
  const items: LedgerRow[] = page.map((r) => ({
    id: r.id,
    receivedAt: iso(r.received_at)!,
    source: r.source,
    type: r.event_type,
    entity: { type: r.entity_type, id: r.entity_id },
    status: r.status,
    error: masked(r.error_message),
    processedAt: iso(r.processed_at),
    outcomes: outcomes.filter((o) => o.event_id === r.id).map(toOutcome),
  }));
  return { items, nextOffset: rows.length > q.limit ? q.offset + q.limit : null };
}

export interface TimelineEntry {
  at: string;
  kind: 'event' | 'outcome';
  what: string;
  status: string;
  service: string | null;
  detail: string | null;
  correlationId: string | null;
}

/** A person's history, newest first: the events about them and every sync_log row that touched their ids. */
export async function personTimeline(
  db: Kysely<Database>,
  who: { phone?: string; contactId?: string },
  page: { limit: number; offset: number },
) {
  const ids = await personIds(db, who);
  if (ids.length === 0) return { ids, items: [] as TimelineEntry[], nextOffset: null };
  const window = page.offset + page.limit + 1;
  const [outcomes, events] = await Promise.all([
    db
      .selectFrom('sync_log')
      .selectAll()
      .where((eb) =>
        eb.or([eb('source_id', 'in', ids), eb('target_id', 'in', ids), eb('entity_id', 'in', ids)]),
      )
      .orderBy('started_at', 'desc')
      .limit(window)
      .execute(),
    db
      .selectFrom('webhook_events')
      .select(['id', 'received_at', 'source', 'event_type', 'status', 'error_message'])
      .where('entity_id', 'in', ids)
      .orderBy('received_at', 'desc')
      .limit(window)
      .execute(),
  ]);
  const merged: TimelineEntry[] = [
    ...outcomes.map((o) => ({
      at: iso(o.started_at)!,
      kind: 'outcome' as const,
      what: `${o.direction}${o.target_id ? ` → ${o.target_id}` : ''}`,
      status: o.status,
      service: o.service,
      detail: masked(o.error_message),
      correlationId: o.correlation_id,
    })),
    ...events.map((e) => ({
      at: iso(e.received_at)!,
      kind: 'event' as const,
      what: `${e.source} ${e.event_type}`,
      status: e.status,
      service: null,
      detail: masked(e.error_message),
      correlationId: null,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  const items = merged.slice(page.offset, page.offset + page.limit);
  return {
    ids,
    items,
    nextOffset: merged.length > page.offset + page.limit ? page.offset + page.limit : null,
  };
}
