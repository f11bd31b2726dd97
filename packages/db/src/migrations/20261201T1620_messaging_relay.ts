import { type Kysely, sql } from 'kysely';

/**
 * messaging-relay's own tables. `messaging_consent`: the SMS consent registry, one row per tenant + phone +
 * channel, projected from `consent.*` events (and the texting system's 409 refusals). `messaging_messages`: one
 * row per relayed message (its intent key is the primary key), mapping the ids the tools give it, written before
 * the tool call so a redelivery or a webhook that outruns the tool's answer finds it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messaging_consent')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('opted_out', 'boolean', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('keyword', 'text')
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('messaging_consent_pk', ['tenant', 'phone', 'channel'])
    .execute();
  await db.schema
    .createTable('messaging_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('ghl_contact_id', 'text')
    .addColumn('ghl_conversation_id', 'text')
    .addColumn('ghl_message_id', 'text')
    .addColumn('texting_chat_message_id', 'text')
    .addColumn('carrier_message_id', 'text')
    .addColumn('aloware_communication_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('messaging_messages_chat_idx')
    .on('messaging_messages')
    .columns(['tenant', 'texting_chat_message_id'])
    .execute();
  await db.schema
    .createIndex('messaging_messages_ghl_idx')
    .on('messaging_messages')
    .columns(['tenant', 'ghl_message_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('messaging_messages').execute();
  await db.schema.dropTable('messaging_consent').execute();
}
