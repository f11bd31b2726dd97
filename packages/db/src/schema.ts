import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Timestamps come back as Date and may be written as Date or ISO text. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** The ledger of every accepted webhook and where its processing stands (the seed's table, same meaning). */
export interface WebhookEventsTable {
  id: Generated<string>;
  received_at: DefaultedTimestamp;
  source: string;
  event_type: string;
  entity_type: string;
  entity_id: string | null;
  payload_json: JSONColumnType<object>;
  dedupe_key: string;
  /** The event's natural key (the person's E.164 phone when it names one); null on rows older than the column. */
  natural_key: ColumnType<string | null, string | null | undefined, string | null>;
  status: ColumnType<WebhookStatus, WebhookStatus | undefined, WebhookStatus>;
  error_message: string | null;
  processed_at: Timestamp | null;
}
export type WebhookStatus = 'pending' | 'processing' | 'done' | 'error';

/** One row per sync operation: what was written where, and how it ended. */
export interface SyncLogTable {
  id: Generated<string>;
  direction: string;
  entity_type: string;
  entity_id: string;
  source_id: string | null;
  target_id: string | null;
  status: string;
  started_at: DefaultedTimestamp;
  finished_at: Timestamp | null;
  error_message: string | null;
  correlation_id: string | null;
  /** The event or command the operation answered. */
  event_id: string | null;
  /** The service (consumer group) that performed it. */
  service: string | null;
}

/** Aloware contact id ↔ GHL contact id, with the normalized phone and e-mail used to match them. */
export interface ContactMappingsTable {
  id: Generated<string>;
  aloware_contact_id: string | null;
  ghl_contact_id: string | null;
  phone_number: string | null;
  email: string | null;
  last_synced_at: DefaultedTimestamp;
  sync_direction: string;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  tenant: string | null;
  /** Per synced field: the accepted value, its source time and side (contact-sync's conflict memory). */
  field_states: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The synced fields each tool is believed to hold right now. */
  ghl_known: JSONColumnType<Record<string, unknown>> | null;
  aloware_known: JSONColumnType<Record<string, unknown>> | null;
  /** Per tool, fingerprints of our writes whose echo has not come back yet (contact-sync's echo memory). */
  pending_echoes: ColumnType<{ aloware: string[]; ghl: string[] }, string | undefined, string>;
  /** The event whose tool writes for this person are in flight, and until when (see the migration). */
  write_lease_holder: string | null;
  write_lease_until: Timestamp | null;
  deleted_in_ghl_at: Timestamp | null;
  /** Grows when the ids, phone, e-mail or closed state change (see migration 20261201T1600_contact_mapped_facts). */
  mapped_version: ColumnType<number, number | undefined, number>;
  /** The last version published as a `contact.mapped` fact; behind `mapped_version` = waiting in the outbox. */
  published_version: ColumnType<number, number | undefined, number>;
}

/** Cursors of backfill and reconciliation runs. */
export interface SyncStateTable {
  id: Generated<string>;
  direction: string;
  entity_type: string;
  cursor_updated_at: Timestamp | null;
  cursor_id: string | null;
  last_run_at: Timestamp | null;
  last_success_at: Timestamp | null;
  /** '' on rows written before the column existed by something that was not list-sync. */
  tenant: ColumnType<string, string | undefined, string>;
  /** A backfill or reconciliation run's watermark (see migration 20261201T1730_sync_state_tenant). */
  run_id: string | null;
  cursor: JSONColumnType<Array<string | number>> | null;
  counts: JSONColumnType<Record<string, number>> | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** Events accepted while Kafka was unreachable, waiting to be published in `seq` order. */
export interface IngressSpoolTable {
  seq: Generated<number>;
  topic: string;
  record_key: string;
  /** The value as JSON text (see migration 20261201T1510_ingress_values_as_text). */
  value: string;
  headers: JSONColumnType<Record<string, string>>;
  /** Size of the encoded record, so a drain batch stays under its byte cap. */
  bytes: Generated<number>;
  spooled_at: DefaultedTimestamp;
}

/** Records that can never be published as they are, with the reason; an operator retries or discards them. */
export interface IngressSetAsideTable {
  id: Generated<number>;
  topic: string;
  record_key: string;
  /** The value as JSON text (see migration 20261201T1510_ingress_values_as_text). */
  value: string;
  headers: JSONColumnType<Record<string, string>>;
  bytes: number;
  reason: string;
  set_aside_at: DefaultedTimestamp;
}

/** Raw webhook bodies too large to travel inside their event (the event points here by its id). */
export interface IngressRawBodiesTable {
  event_id: string;
  /** The raw body as JSON text, exactly what the event's `raw.sha256` was computed over. */
  body: string;
  bytes: number;
  stored_at: DefaultedTimestamp;
}

/** Identities of timestamp-less deliveries (GHL provider messages), kept for good so a replay is refused. */
export interface IngressReplayGuardsTable {
  guard: string;
  event_ids: JSONColumnType<string[]>;
  accepted_at: DefaultedTimestamp;
}

/** Outcomes contact-sync decided, committed with the mapping and published after the commit. */
export interface ContactSyncOutboxTable {
  id: string;
  cause: JSONColumnType<{ id: string; correlationId: string; tenant: string }>;
  outcome: JSONColumnType<Record<string, unknown>>;
  created_at: DefaultedTimestamp;
}

/** What list-sync has put in Aloware for one contact: the phone it was applied on and the lists. */
export interface ListSyncApplied {
  phone: string;
  listIds: number[];
  /** Added to the owner's power dialer (`add_to_powerdialer`). */
  ownerDialer: boolean;
}

/** list-sync's membership projection: one row per GHL contact (see the list_sync migration). */
export interface ListSyncMembersTable {
  tenant: string;
  ghl_contact_id: string;
  phone: string | null;
  tags: JSONColumnType<string[]>;
  calls_blocked: boolean;
  deleted: boolean;
  /** The source time of the facts held: an older event never overwrites them. */
  facts_at: Timestamp;
  applied: JSONColumnType<ListSyncApplied> | null;
  /** A remove-from-all-lists in flight (intent); set until the re-add is confirmed. */
  removing_phone: string | null;
  aloware_contact_id: string | null;
  /** The change whose tool calls are in flight, until when (a crashed holder's lease runs out). */
  lease_holder: string | null;
  lease_until: Timestamp | null;
  updated_at: DefaultedTimestamp;
}

export interface ListSyncProcessedTable {
  event_id: string;
  processed_at: DefaultedTimestamp;
}

/** Events contact-sync has fully processed: a redelivery finds its id here and changes nothing. */
export interface ContactSyncProcessedTable {
  event_id: string;
  processed_at: DefaultedTimestamp;
}

/** One Aloware call: its merged details, the GHL note it became, and whether GHL is behind. */
export interface CallNotesTable {
  call_id: string;
  tenant: string;
  details: JSONColumnType<Record<string, unknown>>;
  ghl_contact_id: string | null;
  ghl_note_id: string | null;
  note_fingerprint: string | null;
  tags_applied: ColumnType<string[], string | undefined, string>;
  dirty: ColumnType<boolean, boolean | undefined, boolean>;
  dirty_since: Timestamp | null;
  last_event_at: DefaultedTimestamp;
  last_event_id: string;
  last_correlation_id: string;
  flush_attempts: ColumnType<number, number | undefined, number>;
  next_flush_at: Timestamp | null;
  skipped_reason: string | null;
  updated_at: DefaultedTimestamp;
}

export interface CallNoteCreateAttemptsTable {
  call_id: string;
  attempted_at: DefaultedTimestamp;
}

/** call-sync's copy of contact-sync's mappings, projected from `contact.mapped` facts. */
export interface CallSyncContactsTable {
  mapping_id: string;
  tenant: string;
  /** The fact's version: a row is only replaced by a higher one. */
  version: number;
  aloware_contact_id: string | null;
  ghl_contact_id: string | null;
  phone_number: string | null;
  email: string | null;
  /** GHL deleted the contact: calls are not written to it. */
  closed: boolean;
  fact_at: Timestamp;
  updated_at: DefaultedTimestamp;
}

export interface CallSyncProcessedTable {
  event_id: string;
  processed_at: DefaultedTimestamp;
}

/** GHL OAuth tokens per location, encrypted at rest. */
export interface GhlOauthConnectionsTable {
  location_id: string;
  company_id: string | null;
  user_type: string | null;
  access_token_enc: string;
  refresh_token_enc: string;
  access_expires_at: Timestamp;
  scope: string | null;
  status: ColumnType<'active' | 'broken', 'active' | 'broken' | undefined, 'active' | 'broken'>;
  broken_reason: string | null;
  broken_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/** A GHL request budget shared across processes (see migration 20261201T1430_ghl_rate_budgets). */
export interface GhlRateBudgetsTable {
  budget_key: string;
  max_requests: number;
  interval_ms: number;
  paused_until: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/** One request slot of a budget: leased (free_at ahead, holder set) or cooling down until free_at. */
export interface GhlRateSlotsTable {
  budget_key: string;
  slot: number;
  free_at: DefaultedTimestamp;
  holder: string | null;
}

/** A consumer group's parked key: when it is tried again, and who is trying it now. */
export interface ConsumerParkedKeysTable {
  group_id: string;
  key: string;
  parked_at: DefaultedTimestamp;
  next_retry_at: Date | string;
  retries: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  claimed_until: Date | string | null;
}

/** A record waiting behind its parked key, kept as it arrived. */
export interface ConsumerParkedRecordsTable {
  id: Generated<string>;
  group_id: string;
  key: string;
  topic: string;
  partition: number;
  offset: string;
  value: Buffer | null;
  headers: JSONColumnType<Record<string, string>>;
  reason: string;
  error: string;
  attempts: number;
  parked_at: DefaultedTimestamp;
}

/** messaging-relay's SMS consent registry: the latest opt-out or opt-in per tenant + phone + channel. */
export interface MessagingConsentTable {
  tenant: string;
  phone: string;
  channel: string;
  opted_out: boolean;
  /** `keyword` (STOP…, liftable by START) or `refused` (the texting system answered 409 "opted out"). */
  kind: string;
  /** The tool the consent change came from. */
  source: string;
  keyword: string | null;
  /** The source's time of the change: an older event never overwrites a newer one. */
  changed_at: Timestamp;
  event_id: string;
  updated_at: DefaultedTimestamp;
}

/** messaging-relay's message mappings: one row per relayed message, keyed by its intent key. */
export interface MessagingMessagesTable {
  id: string;
  tenant: string;
  direction: 'inbound' | 'outbound';
  origin: 'texting' | 'aloware' | 'ghl';
  phone: string | null;
  ghl_contact_id: string | null;
  ghl_conversation_id: string | null;
  ghl_message_id: string | null;
  texting_chat_message_id: string | null;
  carrier_message_id: string | null;
  aloware_communication_id: string | null;
  /** `importing` → `imported`; `sending` → `sent` → `delivered` | `failed`; `refused` (opted out). */
  status: string;
  /** The tool an outbound text is sent through: `texting`, or `aloware` by a routing rule. */
  via: string | null;
  /** SHA-256 of a text sent through Aloware: its disposition webhook is matched by phone and body. */
  body_hash: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/** GHL SMS DND writes messaging-relay made and has not yet seen come back (its echoes are not agents' changes). */
export interface MessagingDndWritesTable {
  id: Generated<string>;
  tenant: string;
  ghl_contact_id: string;
  sms_active: boolean;
  written_at: DefaultedTimestamp;
}

export interface Database {
  consumer_parked_keys: ConsumerParkedKeysTable;
  consumer_parked_records: ConsumerParkedRecordsTable;
  ghl_rate_budgets: GhlRateBudgetsTable;
  ghl_rate_slots: GhlRateSlotsTable;
  ghl_oauth_connections: GhlOauthConnectionsTable;
  call_notes: CallNotesTable;
  call_note_create_attempts: CallNoteCreateAttemptsTable;
  call_sync_processed: CallSyncProcessedTable;
  call_sync_contacts: CallSyncContactsTable;
  messaging_consent: MessagingConsentTable;
  messaging_messages: MessagingMessagesTable;
  messaging_dnd_writes: MessagingDndWritesTable;
  list_sync_members: ListSyncMembersTable;
  list_sync_processed: ListSyncProcessedTable;
  contact_sync_processed: ContactSyncProcessedTable;
  contact_sync_outbox: ContactSyncOutboxTable;
  ingress_spool: IngressSpoolTable;
  ingress_set_aside: IngressSetAsideTable;
  ingress_raw_bodies: IngressRawBodiesTable;
  ingress_replay_guards: IngressReplayGuardsTable;
  webhook_events: WebhookEventsTable;
  sync_log: SyncLogTable;
  contact_mappings: ContactMappingsTable;
  sync_state: SyncStateTable;
}
