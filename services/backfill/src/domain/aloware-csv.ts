import { type ContactData, type EventOfType, nameUuid, toE164 } from '@df/contracts';
import { parseCsv } from './csv.ts';

/**
 * The columns of an Aloware contacts export this backfill reads, named after the contact object's fields
 * (aloware-api.md §2.6; City/State/Zip/Country are the `cnam_*` fields, written here without the prefix as
 * the export's headers read). Header names are matched case-insensitively; other columns are ignored.
 */
export const ALOWARE_CSV_COLUMNS = [
  'id',
  'phone_number',
  'first_name',
  'last_name',
  'email',
  'company_name',
  'address',
  'city',
  'state',
  'zipcode',
  'country',
  'timezone',
  'lead_source',
  'user_id',
  'disposition_status_id',
  'is_dnc',
  'is_opted_out',
  'tags',
  'created_at',
  'updated_at',
] as const;
type Column = (typeof ALOWARE_CSV_COLUMNS)[number];
const REQUIRED: Column[] = ['id', 'phone_number'];

export interface AlowareCsvRow {
  line: number;
  values: Partial<Record<Column, string>>;
}
export interface BadRow {
  line: number;
  reason: string;
}

export function readAlowareCsv(text: string): { rows: AlowareCsvRow[]; bad: BadRow[]; ignored: string[] } {
  const { records, error } = parseCsv(text);
  const bad: BadRow[] = error ? [error] : [];
  const [header, ...data] = records;
  if (!header) return { rows: [], bad: [...bad, { line: 1, reason: 'empty file: no header' }], ignored: [] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length > 0)
    return { rows: [], bad: [{ line: 1, reason: `header lacks ${missing.join(', ')}` }], ignored: [] };
  const known = new Set<string>(ALOWARE_CSV_COLUMNS);
  const ignored = names.filter((n) => !known.has(n));
  const rows: AlowareCsvRow[] = [];
  for (const record of data) {
    if (record.fields.length !== names.length) {
      bad.push({
        line: record.line,
        reason: `${record.fields.length} fields where the header has ${names.length}`,
      });
      continue;
    }
    const values: AlowareCsvRow['values'] = {};
    names.forEach((name, n) => {
      const value = record.fields[n]?.trim() ?? '';
      if (known.has(name) && value !== '') values[name as Column] = value;
    });
    const problem = rowProblem(values);
    if (problem) bad.push({ line: record.line, reason: problem });
    else rows.push({ line: record.line, values });
  }
  return { rows, bad, ignored };
}

const TRUE = new Set(['1', 'true', 'yes', 'y']);
const FALSE = new Set(['0', 'false', 'no', 'n']);
const flag = (value: string | undefined) =>
  value === undefined
    ? null
    : TRUE.has(value.toLowerCase())
      ? true
      : FALSE.has(value.toLowerCase())
        ? false
        : undefined;

/** Aloware's `YYYY-MM-DD HH:MM:SS` (read as UTC, as the ingress does by default) or ISO-8601. */
export function alowareTime(value: string | undefined): string | null | undefined {
  if (value === undefined) return null;
  const naive = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const ms = Date.parse(naive);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * The longest value a column may hold. Far above any real name, address or tag list, and it keeps one row's event
 * well under what Kafka accepts in a message: a larger one would make Kafka refuse its whole batch and stop the
 * import there, instead of setting that one row aside.
 */
export const MAX_FIELD_CHARS = 2_000;

/** Why a row cannot become an event, or null: each reason names the column. */
function rowProblem(values: AlowareCsvRow['values']): string | null {
  for (const [column, value] of Object.entries(values))
    if (value.length > MAX_FIELD_CHARS) return `${column} is longer than ${MAX_FIELD_CHARS} characters`;
  for (const column of REQUIRED) if (values[column] === undefined) return `${column} is empty`;
  if (!/^\d+$/.test(values.id ?? '')) return 'id is not an Aloware contact id (digits)';
  if (!toE164(values.phone_number)) return 'phone_number is not a phone number';
  if (values.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(values.email)) return 'email is not an e-mail';
  for (const column of ['is_dnc', 'is_opted_out'] as const)
    if (flag(values[column]) === undefined) return `${column} is not true/false/1/0/yes/no`;
  for (const column of ['created_at', 'updated_at'] as const)
    if (alowareTime(values[column]) === undefined) return `${column} is not a time`;
  return null;
}

function contactData(values: AlowareCsvRow['values']): ContactData {
  const v = (column: Column) => values[column] ?? null;
  return {
    alowareContactId: v('id'),
    ghlContactId: null,
    firstName: v('first_name'),
    lastName: v('last_name'),
    name: [values.first_name, values.last_name].filter(Boolean).join(' ') || null,
    email: values.email?.toLowerCase() ?? null,
    phone: toE164(values.phone_number),
    companyName: v('company_name'),
    address: v('address'),
    city: v('city'),
    state: v('state'),
    postalCode: v('zipcode'),
    country: v('country'),
    timezone: v('timezone'),
    leadSource: v('lead_source'),
    dateOfBirth: null,
    ownerId: v('user_id'),
    dispositionStatusId: v('disposition_status_id'),
    tags:
      values.tags === undefined
        ? null
        : values.tags
            .split(/[;|]/)
            .map((t) => t.trim())
            .filter(Boolean),
    dnd: flag(values.is_dnc) ?? null,
    dndChannels: null,
    optedOut: flag(values.is_opted_out) ?? null,
    customFields: [],
    sourceCreatedAt: alowareTime(values.created_at) ?? null,
    sourceUpdatedAt: alowareTime(values.updated_at) ?? null,
  };
}

/**
 * A row of a valid export as the Aloware contact event its webhook would have been. `exportedAt` stands in for
 * rows without `updated_at` (the export is what Aloware held then). The id derives from (tenant, contact id,
 * the row's time): importing the same file again publishes the same ids, which the consumers drop.
 */
export function alowareSnapshotEvent(
  row: AlowareCsvRow,
  ctx: { tenant: string; runId: string; now: Date; exportedAt: Date },
): EventOfType<'contact.updated'> {
  const data = contactData(row.values);
  const at = data.sourceUpdatedAt ?? ctx.exportedAt.toISOString();
  const contactId = row.values.id ?? '';
  return {
    id: nameUuid(`backfill|aloware|${ctx.tenant}|${contactId}|${at}`),
    type: 'contact.updated',
    sourceEventName: 'Backfill',
    tenant: ctx.tenant,
    entity: { type: 'contact', id: contactId },
    naturalKey: data.phone ?? `aloware:${contactId}`,
    occurredAt: at,
    dedupeKey: `aloware:backfill:${contactId}:${at}`,
    data,
    source: 'aloware',
    receivedAt: ctx.now.toISOString(),
    correlationId: ctx.runId,
    raw: { line: row.line, ...row.values },
    backfill: { runId: ctx.runId },
  };
}
