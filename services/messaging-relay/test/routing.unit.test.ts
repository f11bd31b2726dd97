import { describe, expect, it } from 'vitest';
import { type ConsentState, decideConsent } from '../src/domain/consent.ts';
import { decideAlowareSend } from '../src/domain/messages.ts';
import { parseRoutes, routeFor } from '../src/domain/routes.ts';

const rules = (json: unknown, from: string | null = null) => {
  const parsed = parseRoutes(JSON.stringify(json), from);
  if ('errors' in parsed) throw new Error(parsed.errors.join('; '));
  return parsed.routes;
};

describe('routing rules (MESSAGING_ROUTES)', () => {
  it('sends through texting unless a rule matches the tenant and the GHL user; the first match wins', () => {
    const routes = rules([
      { via: 'aloware', tenant: 'loc-a', ghlUserId: 'u1', lineId: 7 },
      { via: 'aloware', tenant: 'loc-b', from: '(202) 555-0100', alowareUserId: 12 },
    ]);
    expect(routeFor(routes, { tenant: 'loc-a', ghlUserId: 'u1' }, null)).toEqual({
      via: 'aloware',
      lineId: 7,
    });
    expect(routeFor(routes, { tenant: 'loc-a', ghlUserId: 'u2' }, null)).toEqual({ via: 'texting' });
    expect(routeFor(routes, { tenant: 'loc-b', ghlUserId: null }, null)).toEqual({
      via: 'aloware',
      from: '+12025550100',
      userId: 12,
    });
    expect(routeFor([], { tenant: 'loc-b', ghlUserId: null }, null)).toEqual({ via: 'texting' });
  });

  it('a rule naming no line sends from MESSAGING_ALOWARE_FROM', () => {
    const routes = rules([{ via: 'aloware' }], '+12025550100');
    expect(routeFor(routes, { tenant: 'x', ghlUserId: null }, '+12025550100')).toEqual({
      via: 'aloware',
      from: '+12025550100',
    });
  });

  it('refuses rules that would send through the wrong tool, naming why', () => {
    expect(parseRoutes('not json', null)).toEqual({
      errors: ['MESSAGING_ROUTES must be a JSON array of rules'],
    });
    expect(parseRoutes(JSON.stringify([{ via: 'carrier-pigeon' }]), null)).toHaveProperty('errors');
    expect(parseRoutes(JSON.stringify([{ via: 'aloware', tenantt: 'typo' }]), '+12025550100')).toHaveProperty(
      'errors',
    );
    expect(parseRoutes(JSON.stringify([{ via: 'aloware' }]), null)).toEqual({
      errors: ['rule 0: an Aloware rule needs from or lineId, or MESSAGING_ALOWARE_FROM'],
    });
    expect(parseRoutes('', null)).toEqual({ routes: [] });
  });
});

describe('an Aloware send has no idempotency key', () => {
  const row = (status: string) => ({ status, ghlMessageId: 'm', ghlConversationId: null }) as never;
  it('is sent once: an interrupted send is unconfirmed, never repeated; one Aloware refused is sent again', () => {
    expect(decideAlowareSend(null, false)).toBe('send');
    expect(decideAlowareSend(null, true)).toBe('refuse');
    expect(decideAlowareSend(row('sending'), false)).toBe('unconfirmed');
    expect(decideAlowareSend(row('queued'), false)).toBe('send');
    expect(decideAlowareSend(row('queued'), true)).toBe('refuse');
    expect(decideAlowareSend(row('sent'), false)).toBe('duplicate');
  });
});

describe('an agent’s GHL SMS DND', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, s));
  const state = (kind: ConsentState['kind']): ConsentState => ({
    optedOut: true,
    kind,
    source: 'x',
    keyword: null,
    changedAt: at(0),
  });
  const lift = { action: 'opted_in', by: 'ghl_dnd', source: 'ghl', keyword: null, at: at(5) } as const;
  it('lifted in GHL lifts only an opt-out an agent set, never a person’s STOP', () => {
    expect(decideConsent(state('ghl_dnd'), lift)).toMatchObject({ apply: true, next: { optedOut: false } });
    expect(decideConsent(state('keyword'), lift)).toEqual({ apply: false, reason: 'opt_out_by_the_person' });
    expect(decideConsent(state('refused'), lift)).toEqual({ apply: false, reason: 'opt_out_by_the_person' });
  });
  it('set by an agent is not lifted by the person’s START', () => {
    const start = { action: 'opted_in', source: 'texting', keyword: 'START', at: at(5) } as const;
    expect(decideConsent(state('ghl_dnd'), start)).toEqual({
      apply: false,
      reason: 'opt_out_not_by_keyword',
    });
  });
});
