import { ContactMapped, TOPICS } from '@df/contracts';
import type { Projection } from '@df/replay';
import { callSyncContactRow, upsertCallSyncContacts } from './contacts.ts';

/**
 * call-sync's copy of the mappings (`call_sync_contacts`) rebuilt from the same `contact.mapped` facts it folds
 * live, with the same row function: the highest version of each mapping wins, whatever order the facts come
 * in. `updated_at` is when call-sync wrote the row (its own clock): neither compared nor switched.
 */
export const callSyncContactsProjection: Projection<ContactMapped> = {
  name: 'call-sync-contacts',
  group: 'call-sync',
  topics: [TOPICS.contactMappings],
  tables: [
    {
      name: 'call_sync_contacts',
      key: ['mapping_id'],
      compared: [
        'tenant',
        'version',
        'aloware_contact_id',
        'ghl_contact_id',
        'phone_number',
        'email',
        'closed',
        'fact_at',
      ],
    },
  ],
  decode: (value) => ContactMapped.parse(value),
  async write(db, facts) {
    // One row per mapping in a statement (Postgres refuses to upsert a row twice in one insert).
    const latest = new Map<string, ContactMapped>();
    for (const fact of facts) {
      const known = latest.get(fact.mappingId);
      if (!known || known.version < fact.version) latest.set(fact.mappingId, fact);
    }
    await upsertCallSyncContacts(db, [...latest.values()].map(callSyncContactRow));
  },
};
