import { type Kysely, sql } from 'kysely';

/**
 * messaging-relay, second part. `messaging_messages.via`: the tool that sends an outbound text (`texting`, or
 * `aloware` by a routing rule); `body_hash`: SHA-256 of the text sent through Aloware, whose send answers 202
 * with no id, so its later `OutboundSMS-Disposition*` webhook is matched to our send by phone and body.
 * `messaging_dnd_writes`: GHL SMS DND writes made by the relay and not yet seen coming back, so the echo of our
 * own write is never taken for an agent's change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messaging_messages').addColumn('via', 'text').execute();
  await db.schema.alterTable('messaging_messages').addColumn('body_hash', 'text').execute();
  await db.schema
    .createIndex('messaging_messages_aloware_idx')
    .on('messaging_messages')
    .columns(['tenant', 'aloware_communication_id'])
    .execute();
  await db.schema
    .createIndex('messaging_messages_phone_idx')
    .on('messaging_messages')
    .columns(['tenant', 'phone'])
    .execute();
  await db.schema
    .createTable('messaging_dnd_writes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('ghl_contact_id', 'text', (c) => c.notNull())
    .addColumn('sms_active', 'boolean', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('messaging_dnd_writes_contact_idx')
    .on('messaging_dnd_writes')
    .columns(['tenant', 'ghl_contact_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('messaging_dnd_writes').execute();
  await db.schema.dropIndex('messaging_messages_phone_idx').execute();
  await db.schema.dropIndex('messaging_messages_aloware_idx').execute();
  await db.schema.alterTable('messaging_messages').dropColumn('body_hash').execute();
  await db.schema.alterTable('messaging_messages').dropColumn('via').execute();
}
