import { describe, expect, it } from 'vitest';
import {
  type ContactChange,
  confirmWrite,
  DEFAULT_SYNC_POLICY,
  type PersonState,
  type Plan,
  planContactSync,
  planGhlDelete,
  planMissingTarget,
  type SyncPolicy,
  type ToolWrite,
} from '../src/domain/plan.ts';
import type { Snapshot } from '../src/domain/snapshot.ts';

const PHONE = '+12025550142';
let clock = Date.parse('2026-03-02T15:00:00.000Z');
/** A later source time at each call: changes happen one after the other. */
function tick(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

const fromGhl = (snapshot: Snapshot, id = 'g1'): ContactChange => ({
  side: 'ghl',
  sourceId: id,
  snapshot: { phone: PHONE, ...snapshot },
  at: tick(),
});
const fromAloware = (snapshot: Snapshot, id = 'a1'): ContactChange => ({
  side: 'aloware',
  sourceId: id,
  snapshot: { phone: PHONE, ...snapshot },
  at: tick(),
});

/** Runs one change the way the handler does: plan, then every write succeeds and is confirmed. */
function apply(state: PersonState | null, change: ContactChange, policy: SyncPolicy = DEFAULT_SYNC_POLICY) {
  const plan = planContactSync(state, change, policy, 'loc-1');
  let next = plan.next;
  for (const write of plan.writes) {
    next = confirmWrite(next, write, { id: write.target === 'ghl' ? 'g1' : 'a1', created: false });
  }
  return { plan, state: next };
}

/** Given a sequence of changes (each followed by the echo of what it wrote), the state and the last plan. */
function given(...changes: ContactChange[]): { state: PersonState; plans: Plan[] } {
  let state: PersonState | null = null;
  const plans: Plan[] = [];
  for (const change of changes) {
    const result = apply(state, change);
    plans.push(result.plan);
    state = result.state;
    for (const write of result.plan.writes) {
      const echo = write.target === 'ghl' ? fromGhl(write.fields) : fromAloware(write.fields);
      const echoed = apply(state, echo);
      plans.push(echoed.plan);
      state = echoed.state;
    }
  }
  return { state: state!, plans };
}

const writesOf = (plan: Plan) => plan.writes.map((w) => ({ target: w.target, fields: w.fields }));
const reasons = (plan: Plan) => plan.outcomes.map((o) => o.reason);

describe('planContactSync', () => {
  it('creates a new person in the other tool once, and takes the echo of that write for ours', () => {
    const plan = planContactSync(null, fromAloware({ firstName: 'Ada' }), DEFAULT_SYNC_POLICY, 'loc-1');
    expect(plan.writes).toEqual([
      { target: 'ghl', kind: 'create', fields: { firstName: 'Ada', phone: PHONE } },
    ]);
    const { plans } = given(fromAloware({ firstName: 'Ada' }));
    expect(reasons(plans[1]!)).toEqual(['echo']);
    expect(plans[1]!.writes).toEqual([]);
  });

  it('propagates GHL edits Ann → Bob → Ann to Aloware, each time (an edit is never taken for an echo)', () => {
    // Ann reached GHL through us (its echo came back), so "Ann" from GHL once looked like our own write.
    const { state } = given(fromAloware({ firstName: 'Ann' }), fromGhl({ firstName: 'Bob' }));
    const { plan } = apply(state, fromGhl({ firstName: 'Ann' }));
    expect(writesOf(plan)).toEqual([{ target: 'aloware', fields: { firstName: 'Ann', phone: PHONE } }]);
  });

  it('propagates DND true → false → true both ways', () => {
    const ghlFlips = given(fromAloware({ callsBlocked: true }), fromGhl({ callsBlocked: false }));
    expect(writesOf(apply(ghlFlips.state, fromGhl({ callsBlocked: true })).plan)).toEqual([
      { target: 'aloware', fields: { callsBlocked: true, phone: PHONE } },
    ]);
    const alowareFlips = given(fromGhl({ callsBlocked: true }), fromAloware({ callsBlocked: false }));
    expect(writesOf(apply(alowareFlips.state, fromAloware({ callsBlocked: true })).plan)).toEqual([
      { target: 'ghl', fields: { callsBlocked: true } },
    ]);
  });

  it('recognizes each echo of a burst of writes once, and a later identical user edit as an edit', () => {
    let state = given(fromGhl({ firstName: 'Ann' })).state;
    // Two GHL edits in a row: both written to Aloware before either echo comes back.
    const first = apply(state, fromGhl({ firstName: 'Bob' }));
    const second = apply(first.state, fromGhl({ firstName: 'Cy' }));
    state = second.state;
    const echoBob = apply(state, fromAloware({ firstName: 'Bob' }));
    // The older echo arrives after a newer write: it is not ours any more (the newer write covers it) and
    // its value is older than the accepted one, so nothing is written back.
    expect(echoBob.plan.writes.filter((w) => w.target === 'ghl')).toEqual([]);
    const echoCy = apply(echoBob.state, fromAloware({ firstName: 'Cy' }));
    expect(echoCy.plan.writes).toEqual([]);
  });

  it('never lets a stale event overwrite newer state', () => {
    const late = fromAloware({ firstName: 'Old' });
    const { state } = given(fromGhl({ firstName: 'New' }));
    const { plan } = apply(state, late);
    expect(reasons(plan)).toEqual(['firstName: stale']);
    expect(plan.writes).toEqual([]);
  });

  it('skips Aloware for a person without a phone', () => {
    const plan = planContactSync(
      null,
      { side: 'ghl', sourceId: 'g1', snapshot: { firstName: 'Ada' }, at: tick() },
      DEFAULT_SYNC_POLICY,
      'loc-1',
    );
    expect(plan.writes).toEqual([]);
    expect(reasons(plan)).toEqual(['no_phone']);
  });

  it('writes the whole merged contact to both sides when forced', () => {
    const { state } = given(fromGhl({ firstName: 'Ada', lastName: 'Lovelace' }));
    const plan = planContactSync(state, { ...fromGhl({}), force: true }, DEFAULT_SYNC_POLICY, 'loc-1');
    expect(plan.writes.map((w) => w.target)).toEqual(['aloware', 'ghl']);
  });
});

describe('consent per channel', () => {
  it('turns an SMS-only DND in GHL into an Aloware text block, never into DNC', () => {
    const { state } = given(fromGhl({ firstName: 'Sam', callsBlocked: false, textsBlocked: false }));
    const { plan } = apply(state, fromGhl({ firstName: 'Sam', callsBlocked: false, textsBlocked: true }));
    expect(writesOf(plan)).toEqual([{ target: 'aloware', fields: { textsBlocked: true, phone: PHONE } }]);
  });

  it('reports that Aloware cannot lift a text block, and does not let Aloware block GHL again for it', () => {
    const { state } = given(fromGhl({ textsBlocked: true }));
    const lifted = apply(state, fromGhl({ textsBlocked: false }));
    expect(lifted.plan.writes).toEqual([]);
    expect(reasons(lifted.plan)).toEqual(['aloware_cannot_clear_sms_opt_out']);
    // Aloware still says "blocked" (the tag stays): what it held before is no new assertion.
    const { plan } = apply(lifted.state, fromAloware({ textsBlocked: true, lastName: 'Later' }));
    expect(writesOf(plan)).toEqual([{ target: 'ghl', fields: { lastName: 'Later' } }]);
  });
});

describe('the echo of our create and the GHL change behind it (a STOP: ContactUpdate, then ContactDndUpdate)', () => {
  // Both GHL events carry the same time; Aloware stamps its Contact-Created later, when our write arrives.
  const stop = () => {
    const at = tick();
    const ghl = (snapshot: Snapshot): ContactChange => ({ ...fromGhl({ firstName: 'Cy', ...snapshot }), at });
    return { update: ghl({ ghlDndAll: false }), dnd: ghl({ callsBlocked: false, textsBlocked: true }) };
  };
  // What Aloware's new contact says of consent: its starting values, not blocked.
  const created = () => fromAloware({ firstName: 'Cy', callsBlocked: false, textsBlocked: false });

  it('takes Aloware’s not-blocked starting consent in the echo for its own, so the older opt-out still wins', () => {
    const { update, dnd } = stop();
    const first = apply(null, update);
    const echo = apply(first.state, created());
    expect(reasons(echo.plan)).toEqual(['echo']);
    const { plan } = apply(echo.state, dnd);
    expect(writesOf(plan)).toEqual([{ target: 'aloware', fields: { textsBlocked: true, phone: PHONE } }]);
  });

  it('takes the echo of the create, come after the opt-out was written, for ours: it lifts nothing in GHL', () => {
    const { update, dnd } = stop();
    const first = apply(null, update);
    const echo = created();
    const optOut = apply(first.state, dnd);
    const late = apply(optOut.state, echo);
    expect(late.plan.writes).toEqual([]);
    expect(reasons(late.plan)).toEqual(['echo']);
    // The opt-out's own echo is still expected, and Aloware is still known to hold it.
    expect(late.state.known.aloware?.textsBlocked).toBe(true);
    const tagged = apply(
      late.state,
      fromAloware({ firstName: 'Cy', callsBlocked: false, textsBlocked: true }),
    );
    expect(reasons(tagged.plan)).toEqual(['echo']);
  });

  it('still takes a report for a user’s edit when it differs in a field no later write of ours set', () => {
    const { update, dnd } = stop();
    const first = apply(null, update);
    const optOut = apply(first.state, dnd);
    const edited = fromAloware({
      firstName: 'Cy',
      lastName: 'Typed',
      callsBlocked: false,
      textsBlocked: false,
    });
    const { plan } = apply(optOut.state, edited);
    expect(reasons(plan)).not.toContain('echo');
    expect(writesOf(plan)).toContainEqual({
      target: 'ghl',
      fields: expect.objectContaining({ lastName: 'Typed' }),
    });
  });
});

describe('an older echo come late never hides a user’s edit', () => {
  it('carries a DNC an Aloware agent sets while our lift of it and an older write still await their echoes', () => {
    const { state } = given(
      fromGhl({ firstName: 'Cal', callsBlocked: true, textsBlocked: false, ghlDndAll: false }),
    );
    const renamed = apply(state, fromGhl({ firstName: 'Cy', ghlDndAll: false }));
    const lifted = apply(
      renamed.state,
      fromGhl({ firstName: 'Cy', callsBlocked: false, textsBlocked: false, ghlDndAll: false }),
    );
    expect(writesOf(lifted.plan)).toEqual([
      { target: 'aloware', fields: { callsBlocked: false, phone: PHONE } },
    ]);
    const { plan } = apply(
      lifted.state,
      fromAloware({ firstName: 'Cy', callsBlocked: true, textsBlocked: false }),
    );
    expect(reasons(plan)).not.toContain('echo');
    expect(writesOf(plan)).toContainEqual({
      target: 'ghl',
      fields: expect.objectContaining({ callsBlocked: true }),
    });
  });

  it('carries a GHL user’s edit of a field our newer write set, before the older write’s echo', () => {
    const created = apply(null, fromAloware({ firstName: 'Ann' }));
    const named = apply(created.state, fromAloware({ firstName: 'Ann', lastName: 'Lee' }));
    expect(writesOf(named.plan)).toEqual([{ target: 'ghl', fields: { lastName: 'Lee' } }]);
    const { plan } = apply(named.state, fromGhl({ firstName: 'Ann', lastName: 'Leigh', ghlDndAll: false }));
    expect(reasons(plan)).not.toContain('echo');
    expect(writesOf(plan)).toContainEqual({
      target: 'aloware',
      fields: expect.objectContaining({ lastName: 'Leigh' }),
    });
  });
});

describe('what the review found', () => {
  it('drops the echoes it still expects from a tool once that tool reports a user edit (A → B → A)', () => {
    // Ann is written to GHL; before its echo comes back, a GHL user types Bob, then Ann again.
    const created = apply(null, fromAloware({ firstName: 'Ann' }));
    const bob = apply(created.state, fromGhl({ firstName: 'Bob' }));
    expect(writesOf(bob.plan)).toEqual([{ target: 'aloware', fields: { firstName: 'Bob', phone: PHONE } }]);
    const ann = apply(bob.state, fromGhl({ firstName: 'Ann' }));
    expect(writesOf(ann.plan)).toEqual([{ target: 'aloware', fields: { firstName: 'Ann', phone: PHONE } }]);
  });

  it('keeps Aloware DNC when GHL reports a name edit without channel settings (ContactUpdate)', () => {
    const { state } = given(
      fromGhl({ firstName: 'Cal', callsBlocked: true, textsBlocked: false, ghlDndAll: false }),
    );
    const { plan } = apply(state, fromGhl({ firstName: 'Cal', lastName: 'Edited', ghlDndAll: false }));
    expect(writesOf(plan)).toEqual([{ target: 'aloware', fields: { lastName: 'Edited', phone: PHONE } }]);
  });

  it("lifts calls under GHL's all-channel DND by turning it into per-channel settings", () => {
    const { state } = given(fromGhl({ ghlDndAll: true, callsBlocked: true, textsBlocked: true }));
    const { plan } = apply(state, fromAloware({ callsBlocked: false }));
    expect(writesOf(plan)).toEqual([
      { target: 'ghl', fields: { callsBlocked: false, textsBlocked: true, ghlDndAll: false } },
    ]);
  });

  it('writes Aloware under the number it holds and reports a number it cannot change', () => {
    const { state } = given(fromAloware({ firstName: 'Nina' }));
    const { plan } = apply(state, {
      ...fromGhl({ lastName: 'New' }),
      snapshot: { phone: '+12025550999', lastName: 'New' },
    });
    expect(plan.writes).toEqual([
      { target: 'aloware', kind: 'upsert', phone: PHONE, fields: { lastName: 'New', phone: PHONE } },
    ]);
    expect(reasons(plan)).toContain('aloware_cannot_change_phone');
  });
});

describe('a GHL delete, then anything', () => {
  const deleted = () => {
    const { state } = given(fromGhl({ firstName: 'Ada' }));
    const plan = planGhlDelete(state, tick(), { onGhlDelete: 'tag', deletedTag: 'deleted-in-ghl' });
    return { state: confirmWrite(plan.next, plan.writes[0]!, { id: 'a1', created: false }), plan };
  };

  it('tags the Aloware contact and closes the mapping', () => {
    const { plan } = deleted();
    expect(plan.writes).toEqual([
      { target: 'aloware', kind: 'upsert', phone: PHONE, fields: { phone: PHONE }, tags: ['deleted-in-ghl'] },
    ]);
    expect(plan.next.deletedInGhlAt).not.toBeNull();
  });

  it('respects the delete by default: a later Aloware edit is reported, never written to GHL', () => {
    const { plan } = apply(deleted().state, fromAloware({ firstName: 'Ada B.' }));
    expect(plan.writes).toEqual([]);
    expect(reasons(plan)).toEqual(['deleted_in_ghl']);
  });

  it('creates the person again in GHL when the policy says so', () => {
    const policy: SyncPolicy = { ...DEFAULT_SYNC_POLICY, afterGhlDelete: 'recreate' };
    const { plan, state } = apply(deleted().state, fromAloware({ firstName: 'Ada B.' }), policy);
    expect(plan.writes.map((w: ToolWrite) => `${w.target}:${w.kind}`)).toEqual(['ghl:create']);
    expect(state.deletedInGhlAt).toBeNull();
  });

  it('re-maps when GHL itself creates a new contact for the person', () => {
    const { plan, state } = apply(deleted().state, fromGhl({ firstName: 'Ada' }, 'g2'));
    expect(state.ghlContactId).toBe('g2');
    expect(state.deletedInGhlAt).toBeNull();
    expect(reasons(plan)).not.toContain('deleted_in_ghl');
  });
});

describe('duplicates and vanished contacts', () => {
  it('reports a second Aloware contact with a mapped phone and keeps the first mapping', () => {
    const { state } = given(fromAloware({ firstName: 'Ada' }, 'a1'));
    const { plan } = apply(state, fromAloware({ firstName: 'Ada (dup)' }, 'a2'));
    expect(plan.writes).toEqual([]);
    expect(reasons(plan)).toEqual(['conflict: duplicate_in_aloware']);
    expect(plan.next.alowareContactId).toBe('a1');
  });

  it('links the duplicate to the existing mapping when the policy says so', () => {
    const policy: SyncPolicy = { ...DEFAULT_SYNC_POLICY, duplicates: 'link' };
    const { state } = given(fromAloware({ firstName: 'Ada' }, 'a1'));
    const { plan } = apply(state, fromAloware({ firstName: 'Ada L.' }, 'a2'), policy);
    expect(writesOf(plan)).toEqual([{ target: 'ghl', fields: { firstName: 'Ada L.' } }]);
    expect(plan.next.alowareContactId).toBe('a1');
  });

  it('creates a mapped GHL contact that vanished again, from the merged state', () => {
    const { state } = given(fromAloware({ firstName: 'Ada', lastName: 'Lovelace' }));
    const { write, next } = planMissingTarget(state, DEFAULT_SYNC_POLICY);
    expect(write).toEqual({
      target: 'ghl',
      kind: 'create',
      fields: { firstName: 'Ada', lastName: 'Lovelace', phone: PHONE },
    });
    expect(next.ghlContactId).toBeNull();
    expect(
      planMissingTarget(state, { ...DEFAULT_SYNC_POLICY, missingTarget: 'report' }).write,
    ).toBeUndefined();
  });
});
