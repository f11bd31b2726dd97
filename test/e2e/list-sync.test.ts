import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { testStack } from '@df/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

let phoneCounter = 700;
/** A fresh fictional number (NANP 555-01XX block) per contact. */
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;

const HOT = 4101;
const WARM = 4102;
const VIP = 4103;
const UNMANAGED = 4199;
const rules = {
  rules: [
    { tag: 'hot', target: { kind: 'list', listId: HOT }, position: 'bottom', excludeDnd: true },
    { tag: 'warm', target: { kind: 'list', listId: WARM }, position: 'bottom', excludeDnd: true },
    { tag: 'vip', target: { kind: 'list', listId: VIP }, position: 'top', excludeDnd: false },
  ] as const,
};

function startWithLists(overrides: Parameters<typeof startTestSystem>[0] = {}, rebuildEveryMs = 0) {
  return startTestSystem({
    listSync: { rules: rules.rules.map((r) => ({ ...r, target: { ...r.target } })), rebuildEveryMs },
    ...overrides,
  });
}

/** The Aloware list ids the contact with this phone is in (empty when Aloware does not know the phone). */
function listsOf(s: TestSystem, phone: string): number[] {
  const contact = s.simulators!.aloware.contact(phone);
  if (!contact) return [];
  return s
    .simulators!.aloware.lists()
    .filter((l) => l.contactIds.includes(contact.id))
    .map((l) => l.id)
    .sort((a, b) => a - b);
}

const listSyncOutcomes = async (s: TestSystem, reason: string) =>
  (await s.outcomes()).filter((o) => o.service === 'list-sync' && o.error_message === reason).length;

const same = (a: number[], b: number[]) => a.join(',') === b.join(',');

describe('list-sync, end to end (real Kafka, registry, Postgres; simulated tools)', () => {
  it('a tag puts a contact in its list; losing one of two tags keeps it in the other list', async () => {
    system = await startWithLists();
    const s = system;
    const phone = nextPhone();
    const contact = s.simulators!.ghl.seedContact({
      firstName: 'Lin',
      phone,
      tags: ['hot', 'warm', 'other'],
    });
    await waitFor('the contact in both managed lists', () => same(listsOf(s, phone), [HOT, WARM]));

    s.simulators!.ghl.editContact(contact.id, { tags: ['warm', 'other'] });
    await waitFor('the contact out of the hot list only', () => same(listsOf(s, phone), [WARM]));
    // Removal is remove-from-all then re-add: both calls were made, and only those two lists were ever touched.
    const removals = s.simulators!.aloware.requests.filter((r) =>
      r.path.endsWith('/powerdialer-remove-contact-from-lists'),
    );
    expect(removals).toHaveLength(1);

    s.simulators!.ghl.editContact(contact.id, { tags: ['other'] });
    await waitFor('the contact in no list', () => same(listsOf(s, phone), []));
    await waitFor('the outcomes in sync_log', async () => {
      const rows = (await s.outcomes()).filter((o) => o.service === 'list-sync');
      return (
        rows.filter((o) => o.error_message?.startsWith('added to lists')).length >= 2 &&
        rows.filter((o) => o.error_message?.startsWith('removed from all lists')).length === 2
      );
    });
  });

  it('DND takes a contact out of the lists that exclude it, and removal empties unmanaged lists too', async () => {
    system = await startWithLists();
    const s = system;
    const phone = nextPhone();
    const contact = s.simulators!.ghl.seedContact({ firstName: 'Dee', phone, tags: ['hot', 'vip'] });
    await waitFor('the contact in both lists', () => same(listsOf(s, phone), [HOT, VIP]));
    // Someone adds the contact to a list no rule manages (as an Aloware user or another integration would).
    s.simulators!.aloware.createList({ id: UNMANAGED, name: 'by hand' });
    const byHand = await fetch(`${s.tools.aloware.baseUrl}/api/v1/webhook/forms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        api_token: s.tools.aloware.apiToken,
        phone_number: phone,
        list_ids: String(UNMANAGED),
        force_update: 1,
      }),
    });
    expect(byHand.status).toBe(200);
    expect(listsOf(s, phone)).toEqual([HOT, VIP, UNMANAGED]);

    s.simulators!.ghl.editContact(contact.id, { dnd: true });
    // The documented collateral effect: Aloware removes from every list at once, so the unmanaged list loses it.
    await waitFor('the DND contact out of the hot list, kept in vip (include-dnd)', () =>
      same(listsOf(s, phone), [VIP]),
    );
    await waitFor('the DND skip reported', async () => (await listSyncOutcomes(s, 'dnd')) >= 1);
  });

  it('tag added and removed quickly, delivered out of order: the newest state wins', async () => {
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = (k: { export(o: object): string | Buffer }) =>
      k.export({ type: 'pkcs8', format: 'pem' }).toString();
    system = await startWithLists({
      simulators: {
        ghlSigningKeys: { ed25519PrivatePem: pem(ed.privateKey), rsaPrivatePem: pem(rsa.privateKey) },
      },
    });
    const s = system;
    const phone = nextPhone();
    // GHL's final state: the tag is gone (set silently: the webhooks below are the ones delivered).
    const seeded = s.simulators!.ghl.seedContact({ firstName: 'Ola', phone, tags: [] }, { silent: true });
    const tagUpdate = (tags: string[], secondsAgo: number) =>
      JSON.stringify({
        type: 'ContactTagUpdate',
        locationId: s.tools.ghl.locationId,
        id: seeded.id,
        firstName: 'Ola',
        phone,
        tags,
        dnd: false,
        timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
        webhookId: crypto.randomUUID(),
      });
    const deliver = async (body: string) => {
      const answer = await fetch(`${s.ingressUrl}/webhooks/ghl`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-ghl-signature': sign(null, Buffer.from(body), ed.privateKey).toString('base64'),
        },
        body,
      });
      expect(answer.status).toBe(200);
    };
    const removed = tagUpdate([], 5);
    const added = tagUpdate(['hot'], 10);
    await deliver(removed);
    await deliver(added);
    await waitFor(
      'the older tag array skipped as stale',
      async () => (await listSyncOutcomes(s, 'stale')) === 1,
    );
    expect(listsOf(s, phone)).toEqual([]);
    const adds = s.simulators!.aloware.requests.filter((r) => r.path.endsWith('/webhook/forms'));
    expect(adds.filter((r) => JSON.stringify(r.body ?? '').includes(String(HOT)))).toHaveLength(0);
  });

  it('a crash between remove-from-all and the re-add is repaired on redelivery', async () => {
    let crashed = false;
    let removedOnce = false;
    system = await startWithLists({
      wrapListTools: (tools) => ({
        ...tools,
        async removeFromAllLists(id) {
          const found = await tools.removeFromAllLists(id);
          removedOnce = true;
          return found;
        },
        async add(phone, listIds, ownerDialer, position) {
          // As if the process died here: the contact is out of every list, the re-add never made.
          if (removedOnce && !crashed) {
            crashed = true;
            throw Object.assign(new Error('connection lost before the re-add'), { code: 'ECONNRESET' });
          }
          return tools.add(phone, listIds, ownerDialer, position);
        },
      }),
    });
    const s = system;
    const phone = nextPhone();
    const contact = s.simulators!.ghl.seedContact({ firstName: 'Cy', phone, tags: ['hot', 'warm'] });
    await waitFor('the contact in both lists', () => same(listsOf(s, phone), [HOT, WARM]));

    s.simulators!.ghl.editContact(contact.id, { tags: ['warm'] });
    await waitFor('the contact back in the warm list after the crash', () => same(listsOf(s, phone), [WARM]));
    expect(crashed).toBe(true);
    const row = await waitFor('the intent cleared once the re-add is confirmed', async () => {
      const now = await s.database.db
        .selectFrom('list_sync_members')
        .select(['removing_phone', 'applied'])
        .where('ghl_contact_id', '=', contact.id)
        .executeTakeFirstOrThrow();
      return now.removing_phone === null ? now : undefined;
    });
    expect(row.applied).toEqual({ phone, listIds: [WARM], ownerDialer: false });
    // The redelivery removed again (it cannot know whether the first removal happened) and re-added.
    const removals = s.simulators!.aloware.requests.filter((r) =>
      r.path.endsWith('/powerdialer-remove-contact-from-lists'),
    );
    expect(removals).toHaveLength(2);
  });

  it('a phone change takes the old number out and puts the new one in', async () => {
    system = await startWithLists();
    const s = system;
    const before = nextPhone();
    const after = nextPhone();
    const contact = s.simulators!.ghl.seedContact({ firstName: 'Pat', phone: before, tags: ['hot'] });
    await waitFor('the old number in the list', () => same(listsOf(s, before), [HOT]));
    s.simulators!.ghl.editContact(contact.id, { phone: after });
    await waitFor('the new number in the list', () => same(listsOf(s, after), [HOT]));
    await waitFor('the old number out', () => same(listsOf(s, before), []));
  });

  it('200 contacts tagged at once all reach the list, with no GHL call from list-sync for additions', async () => {
    system = await startWithLists();
    const s = system;
    const phones = Array.from({ length: 200 }, nextPhone);
    for (const phone of phones) s.simulators!.ghl.seedContact({ firstName: 'Bulk', phone, tags: ['hot'] });
    const hot = () => s.simulators!.aloware.lists().find((l) => l.id === HOT)!.contactIds.length;
    await waitFor('all 200 in the hot list', () => hot() === 200, { timeoutMs: 120_000 });
    // contact-sync spends GHL's budget on the same contacts meanwhile; list-sync adds through Aloware only.
    const reads = s.simulators!.ghl.requests.filter(
      (r) => r.method === 'GET' && /^\/contacts\/[^/]+$/.test(r.path),
    );
    expect(reads).toHaveLength(0);
    const adds = s.simulators!.aloware.requests.filter(
      (r) => r.path.endsWith('/webhook/forms') && (r.body as { list_ids?: string }).list_ids === String(HOT),
    );
    expect(adds).toHaveLength(200);
  }, 150_000);

  it('a soft rebuild puts in a tagged contact whose webhook never came, and takes out one GHL untagged', async () => {
    system = await startWithLists();
    const s = system;
    const missing = nextPhone();
    s.simulators!.ghl.seedContact({ firstName: 'Mo', phone: missing, tags: ['hot'] }, { silent: true });
    const stays = nextPhone();
    s.simulators!.ghl.seedContact({ firstName: 'Sy', phone: stays, tags: ['hot'] });
    const leaving = nextPhone();
    const left = s.simulators!.ghl.seedContact({ firstName: 'Lu', phone: leaving, tags: ['hot'] });
    await waitFor(
      'the two announced contacts in the list',
      () => same(listsOf(s, stays), [HOT]) && same(listsOf(s, leaving), [HOT]),
    );
    // A change whose webhook is lost: GHL untags the contact while no URL is configured.
    s.simulators!.ghl.setWebhookUrl(undefined);
    s.simulators!.ghl.editContact(left.id, { tags: [] });
    s.simulators!.ghl.setWebhookUrl(`${s.ingressUrl}/webhooks/ghl`);
    expect(listsOf(s, missing)).toEqual([]);

    const answer = await fetch(`${s.ingressUrl}/sync/lists?tagName=Hot`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.operatorToken}` },
    });
    expect(answer.status).toBe(202);
    await waitFor('the missing contact in the list', () => same(listsOf(s, missing), [HOT]));
    await waitFor('the untagged contact out of it', () => same(listsOf(s, leaving), []));
    expect(listsOf(s, stays)).toEqual([HOT]);
    await waitFor('the rebuild summary in sync_log', async () =>
      (await s.outcomes()).some((o) =>
        o.error_message?.startsWith('rebuild of "hot" (soft): 3 contacts checked'),
      ),
    );
  });

  it('a hard rebuild clears the list and adds everyone tagged back, dropping whoever was added by hand', async () => {
    system = await startWithLists();
    const s = system;
    const tagged = nextPhone();
    s.simulators!.ghl.seedContact({ firstName: 'Tia', phone: tagged, tags: ['hot'] });
    await waitFor('the tagged contact in the list', () => same(listsOf(s, tagged), [HOT]));
    // Someone puts a contact GHL never tagged into the managed list by hand.
    const byHand = nextPhone();
    const answer = await fetch(`${s.tools.aloware.baseUrl}/api/v1/webhook/forms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        api_token: s.tools.aloware.apiToken,
        phone_number: byHand,
        list_ids: String(HOT),
      }),
    });
    expect(answer.status).toBe(201);
    expect(listsOf(s, byHand)).toEqual([HOT]);

    const rebuild = await fetch(`${s.ingressUrl}/sync/lists?tagName=hot&mode=hard`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.operatorToken}` },
    });
    expect(rebuild.status).toBe(202);
    await waitFor('the hard rebuild summary', async () =>
      (await s.outcomes()).some((o) => o.error_message?.startsWith('rebuild of "hot" (hard)')),
    );
    expect(listsOf(s, byHand)).toEqual([]);
    expect(listsOf(s, tagged)).toEqual([HOT]);
  });

  it('a hard rebuild that clears the list while an event is adding to it still leaves the tagged contact in', async () => {
    // The event's add lands in Aloware, then the operator's hard rebuild clears the list before the event
    // confirms it: the rebuild must not trust the confirmation that follows the clear.
    let holdAdd: (() => void) | undefined;
    let addLanded: (() => void) | undefined;
    const landed = new Promise<void>((resolve) => {
      addLanded = resolve;
    });
    let cleared = false;
    system = await startWithLists({
      wrapListTools: (tools) => ({
        ...tools,
        async add(phone, listIds, ownerDialer, position) {
          await tools.add(phone, listIds, ownerDialer, position);
          if (!holdAdd && !cleared) {
            await new Promise<void>((resolve) => {
              holdAdd = resolve;
              addLanded?.();
            });
          }
        },
        async clearList(listId) {
          const done = await tools.clearList(listId);
          cleared = true;
          holdAdd?.();
          return done;
        },
      }),
    });
    const s = system;
    const phone = nextPhone();
    s.simulators!.ghl.seedContact({ firstName: 'Ria', phone, tags: ['hot'] });
    await landed;
    const rebuild = await fetch(`${s.ingressUrl}/sync/lists?tagName=hot&mode=hard`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.operatorToken}` },
    });
    expect(rebuild.status).toBe(202);
    await waitFor('the hard rebuild summary', async () =>
      (await s.outcomes()).some((o) => o.error_message?.startsWith('rebuild of "hot" (hard)')),
    );
    expect(cleared).toBe(true);
    expect(listsOf(s, phone)).toEqual([HOT]);
  });

  it('npm run lists -- rebuild <tag> asks through commands.v1 and prints the progress and the summary', async () => {
    system = await startWithLists();
    const s = system;
    const phone = nextPhone();
    s.simulators!.ghl.seedContact({ firstName: 'Cli', phone, tags: ['hot'] }, { silent: true });
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'services/list-sync/src/lists-cli.ts', 'rebuild', 'hot'],
      {
        env: {
          ...process.env,
          KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
          SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
          DATABASE_URL: s.database.url,
          TOPIC_PREFIX: s.infra.topicPrefix,
          GHL_LOCATION_ID: s.tools.ghl.locationId,
        },
        timeout: 90_000,
      },
    );
    expect(stdout).toMatch(/rebuild of "hot" requested/);
    expect(stdout).toMatch(/rebuild of "hot" \(soft\): 1 contacts checked, 1 writes/);
    expect(listsOf(s, phone)).toEqual([HOT]);
  }, 120_000);

  it('the periodic soft rebuild repairs a list without an operator and records its run in sync_state', async () => {
    const started = Date.now();
    system = await startWithLists({}, 2000);
    const s = system;
    const phone = nextPhone();
    s.simulators!.ghl.seedContact({ firstName: 'Nia', phone, tags: ['warm'] }, { silent: true });
    await waitFor('the contact in the warm list by the scheduled rebuild', () =>
      same(listsOf(s, phone), [WARM]),
    );
    const state = await waitFor('the run recorded in sync_state', async () => {
      const row = await s.database.db
        .selectFrom('sync_state')
        .selectAll()
        .where('direction', '=', 'list-sync')
        .where('entity_type', '=', `rebuild:${s.tools.ghl.locationId}:warm`)
        .executeTakeFirst();
      return row?.last_success_at ? row : undefined;
    });
    // Runs every 2 s here: the next period may have claimed already, so only that one succeeded is asserted.
    expect(state.last_success_at!.getTime()).toBeGreaterThanOrEqual(started);
    expect(state.last_run_at!.getTime()).toBeGreaterThanOrEqual(started);
  });
});
