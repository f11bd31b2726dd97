import type { Database, MessagingMessagesTable } from '@df/db';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ConsentKind, ConsentState } from './domain/consent.ts';
import type { MessageRow, MessageStatus, Origin } from './domain/messages.ts';

type Db = Kysely<Database>;
type Row = Selectable<MessagingMessagesTable>;

const CHANNEL = 'sms';
const IN_FLIGHT_MS = 2 * 60_000;

export async function loadConsent(
  db: Db,
  tenant: string,
  phone: string,
): Promise<(ConsentState & { eventId: string }) | null> {
  const row = await db
    .selectFrom('messaging_consent')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('phone', '=', phone)
    .where('channel', '=', CHANNEL)
    .executeTakeFirst();
  if (!row) return null;
  return {
    optedOut: row.opted_out,
    kind: row.kind as ConsentKind,
    source: row.source,
    keyword: row.keyword,
    changedAt: row.changed_at,
    eventId: row.event_id,
  };
}

/** Writes the registry row, unless a newer change landed meanwhile (the guard repeats the decider's rule). */
export async function saveConsent(
  db: Db,
  key: { tenant: string; phone: string },
  state: ConsentState,
  eventId: string,
): Promise<void> {
  const values = {
    opted_out: state.optedOut,
    kind: state.kind,
    source: state.source,
    keyword: state.keyword,
    changed_at: state.changedAt,
    event_id: eventId,
    updated_at: new Date(),
  };
  await db
    .insertInto('messaging_consent')
    .values({ ...key, channel: CHANNEL, ...values })
    .onConflict((oc) =>
      oc
        .columns(['tenant', 'phone', 'channel'])
        .doUpdateSet(values)
        .where('messaging_consent.changed_at', '<=', state.changedAt),
    )
    .execute();
}

const toMessageRow = (row: Row): MessageRow & { row: Row } => ({
  status: row.status as MessageStatus,
  ghlMessageId: row.ghl_message_id,
  ghlConversationId: row.ghl_conversation_id,
  row,
});

export async function loadMessage(db: Db, id: string) {
  const row = await db.selectFrom('messaging_messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toMessageRow(row) : null;
}

export async function messageByChatId(db: Db, tenant: string, chatMessageId: string) {
  const row = await db
    .selectFrom('messaging_messages')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('texting_chat_message_id', '=', chatMessageId)
    .executeTakeFirst();
  return row ? toMessageRow(row) : null;
}

/**
 * Whether a send to this phone is in flight: its texting webhooks may outrun the answer that names it. Only a
 * recent one counts: a send stuck for minutes (its record parked) must not hold back every report to the phone.
 */
export async function sendInFlight(db: Db, tenant: string, phone: string): Promise<boolean> {
  const row = await db
    .selectFrom('messaging_messages')
    .select('id')
    .where('tenant', '=', tenant)
    .where('phone', '=', phone)
    .where('status', '=', 'sending')
    // Only the texting system's reports can outrun its answer; a send through Aloware is matched otherwise.
    .where((eb) => eb.or([eb('via', 'is', null), eb('via', '=', 'texting')]))
    .where('updated_at', '>', new Date(Date.now() - IN_FLIGHT_MS))
    .executeTakeFirst();
  return row !== undefined;
}

/** The GHL contact and conversation an earlier text of this phone was imported into, to spare two GHL calls. */
export async function knownConversation(db: Db, tenant: string, phone: string) {
  const row = await db
    .selectFrom('messaging_messages')
    .select(['ghl_contact_id', 'ghl_conversation_id'])
    .where('tenant', '=', tenant)
    .where('phone', '=', phone)
    // An import that got GHL's answer (an inbound text, or an outbound one sent elsewhere) proves the conversation.
    .where('ghl_conversation_id', 'is not', null)
    .where('ghl_message_id', 'is not', null)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.ghl_contact_id && row.ghl_conversation_id
    ? { contactId: row.ghl_contact_id, conversationId: row.ghl_conversation_id }
    : null;
}

/** The intent, recorded before any tool is called; a second writer of the same intent changes nothing. */
export async function recordIntent(
  db: Db,
  intent: {
    id: string;
    tenant: string;
    direction: 'inbound' | 'outbound';
    origin: Origin;
    phone: string | null;
    status: MessageStatus;
  } & Partial<
    Pick<
      Row,
      | 'ghl_message_id'
      | 'carrier_message_id'
      | 'aloware_communication_id'
      | 'texting_chat_message_id'
      | 'via'
      | 'body_hash'
    >
  >,
): Promise<void> {
  await db
    .insertInto('messaging_messages')
    .values(intent)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** `onlyIf`: change the row only while it is still in that status (a tool's webhook may have moved it on). */
export async function updateMessage(
  db: Db,
  id: string,
  change: Omit<Updateable<MessagingMessagesTable>, 'id' | 'tenant'>,
  onlyIf?: MessageStatus,
): Promise<void> {
  await db
    .updateTable('messaging_messages')
    .set({ ...change, updated_at: new Date() })
    .where('id', '=', id)
    .$if(onlyIf !== undefined, (q) => q.where('status', '=', onlyIf!))
    .execute();
}

export async function messageByAlowareId(db: Db, tenant: string, communicationId: string) {
  const row = await db
    .selectFrom('messaging_messages')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('aloware_communication_id', '=', communicationId)
    .where('direction', '=', 'outbound')
    .executeTakeFirst();
  return row ? toMessageRow(row) : null;
}

/**
 * Gives an Aloware outbound SMS disposition to the oldest of our sends through Aloware to that phone, with that
 * body, that Aloware may have accepted and that has none yet (Aloware's 202 names no id). One statement, the row locked and skipped by a concurrent
 * claimer, so two dispositions never take the same send.
 */
export async function claimAlowareSend(
  db: Db,
  match: { tenant: string; phone: string; bodyHash: string },
  communicationId: string,
) {
  const row = await db
    .updateTable('messaging_messages')
    .set({ aloware_communication_id: communicationId, updated_at: new Date() })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('messaging_messages')
        .select('id')
        .where('tenant', '=', match.tenant)
        .where('phone', '=', match.phone)
        .where('via', '=', 'aloware')
        .where('direction', '=', 'outbound')
        .where('body_hash', '=', match.bodyHash)
        .where('aloware_communication_id', 'is', null)
        // Only a send Aloware may have accepted: `queued` (refused with an answer) and `refused` (consent) were
        // never texted, so a disposition given to them would be taken from the send it is about.
        .where('status', 'in', ['sending', 'sent', 'unconfirmed'])
        .orderBy('created_at')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .executeTakeFirst();
  return row ? toMessageRow(row) : null;
}

// A write GHL never echoed (a coalesced or lost webhook) stops counting after this: an agent's later change of
// the same value must not be mistaken for it.
const DND_ECHO_TTL_MS = 10 * 60_000;

/** Recorded before the GHL call: its webhook can arrive before its answer. */
export async function recordDndWrite(
  db: Db,
  write: { tenant: string; ghlContactId: string; smsActive: boolean },
): Promise<void> {
  await db
    .insertInto('messaging_dnd_writes')
    .values({ tenant: write.tenant, ghl_contact_id: write.ghlContactId, sms_active: write.smsActive })
    .execute();
}

/**
 * Whether GHL's report of a contact's SMS DND is the echo of one of our writes: the oldest pending write of
 * that value is consumed, with every older one (GHL reports writes in order, so those were superseded).
 */
export async function consumeDndEcho(
  db: Db,
  report: { tenant: string; ghlContactId: string; smsActive: boolean },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const since = new Date(Date.now() - DND_ECHO_TTL_MS);
    const pending = await trx
      .selectFrom('messaging_dnd_writes')
      .select(['id', 'written_at'])
      .where('tenant', '=', report.tenant)
      .where('ghl_contact_id', '=', report.ghlContactId)
      .where('sms_active', '=', report.smsActive)
      .where('written_at', '>', since)
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    await trx
      .deleteFrom('messaging_dnd_writes')
      .where('tenant', '=', report.tenant)
      .where('ghl_contact_id', '=', report.ghlContactId)
      .where((eb) => (pending ? eb('id', '<=', pending.id) : eb('written_at', '<=', since)))
      .execute();
    return pending !== undefined;
  });
}
