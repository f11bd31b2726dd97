import { describe, expect, it } from 'vitest';
import { commandDataFromForm } from '../src/command-forms.ts';
import { escapeHtml, html } from '../src/html.ts';
import { LedgerParams, PersonParams, RedriveFilter } from '../src/queries.ts';
import { csrfTokenOf, issueSession, SESSION_MAX_AGE_MS, sessionIsValid } from '../src/session.ts';
import { SignInThrottle } from '../src/sign-in-throttle.ts';

const NOW = 1_800_000_000_000;

describe('html', () => {
  it('escapes every interpolated value once, nested templates kept as they are', () => {
    const name = '<script>alert("x")</script>';
    const row = html`<td>${name}</td>`;
    expect(html`<tr>${row}${[html`<i>${"O'Hara & co"}</i>`]}</tr>`.value).toBe(
      '<tr><td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td><i>O&#39;Hara &amp; co</i></tr>',
    );
    expect(escapeHtml('"><img src=x onerror=1>')).not.toContain('<');
  });
});

describe('sessions', () => {
  const session = issueSession('token-a', NOW);

  it('accepts a cookie it issued until it is twelve hours old', () => {
    expect(sessionIsValid(session, 'token-a', NOW + 1000)).toBe(true);
    expect(sessionIsValid(session, 'token-a', NOW + SESSION_MAX_AGE_MS + 1)).toBe(false);
  });

  it('refuses a cookie signed with another token, tampered with, or from the future', () => {
    expect(sessionIsValid(session, 'token-b', NOW)).toBe(false);
    expect(sessionIsValid(session.replace(/^\d+/, String(NOW + 5)), 'token-a', NOW + 10)).toBe(false);
    expect(sessionIsValid(issueSession('token-a', NOW + 60_000), 'token-a', NOW)).toBe(false);
    expect(sessionIsValid(undefined, 'token-a', NOW)).toBe(false);
  });

  it('derives a form token per session that another session cannot use', () => {
    const other = issueSession('token-a', NOW + 1);
    expect(csrfTokenOf(session, 'token-a')).toBe(csrfTokenOf(session, 'token-a'));
    expect(csrfTokenOf(session, 'token-a')).not.toBe(csrfTokenOf(other, 'token-a'));
  });
});

describe('sign-in throttle', () => {
  it('refuses an address after its tenth failure in 15 minutes, until the oldest leaves the window', () => {
    const throttle = new SignInThrottle();
    for (let n = 0; n < 9; n++) throttle.failed('10.0.0.1', NOW + n * 1000);
    expect(throttle.retryAfterMs('10.0.0.1', NOW + 9000)).toBe(0);
    throttle.failed('10.0.0.1', NOW + 9000);
    expect(throttle.retryAfterMs('10.0.0.1', NOW + 10_000)).toBe(15 * 60_000 - 10_000);
    expect(throttle.retryAfterMs('10.0.0.2', NOW + 10_000)).toBe(0);
    expect(throttle.retryAfterMs('10.0.0.1', NOW + 15 * 60_000)).toBe(0);
  });

  it('forgets the address seen longest ago when a flood of addresses passes its bound', () => {
    const throttle = new SignInThrottle(1, 60_000, 2);
    throttle.failed('a', NOW);
    throttle.failed('b', NOW);
    throttle.failed('a', NOW + 1);
    throttle.failed('c', NOW + 2);
    expect(throttle.retryAfterMs('b', NOW + 3)).toBe(0);
    expect(throttle.retryAfterMs('a', NOW + 3)).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('c', NOW + 3)).toBeGreaterThan(0);
  });
});

describe('query validation', () => {
  it('normalizes a searched phone and refuses one that is not a number', () => {
    expect(LedgerParams.parse({ phone: '(202) 555-0142' }).phone).toBe('+12025550142');
    expect(LedgerParams.safeParse({ phone: 'call me' }).error?.issues[0]?.message).toBe('not a phone number');
  });

  it('pages with limit 1-200 and refuses what is outside', () => {
    expect(LedgerParams.parse({})).toMatchObject({ limit: 50, offset: 0 });
    expect(LedgerParams.safeParse({ limit: '500' }).success).toBe(false);
    expect(LedgerParams.safeParse({ offset: '-1' }).success).toBe(false);
  });

  it('asks for a phone or a contact id for a timeline, and ids made of safe characters', () => {
    expect(PersonParams.safeParse({}).success).toBe(false);
    expect(PersonParams.safeParse({ contactId: "x' or 1=1" }).success).toBe(false);
    expect(PersonParams.parse({ contactId: 'ghl_123' }).contactId).toBe('ghl_123');
  });

  it('reads a redrive filter with offsets made of digits only', () => {
    expect(RedriveFilter.parse({ offsets: ['3'], reason: '' })).toEqual({ offsets: ['3'] });
    expect(RedriveFilter.safeParse({ offsets: ['3; drop'] }).success).toBe(false);
  });
});

describe('command forms', () => {
  it('turns the forms into command data', () => {
    expect(commandDataFromForm('contact.sync_requested', { phone: '202-555-0142' })).toEqual({
      target: { by: 'phone', phone: '+12025550142' },
    });
    expect(commandDataFromForm('list.rebuild_requested', { tag: 'hot', mode: 'hard' })).toEqual({
      target: { by: 'tag', tag: 'hot' },
      mode: 'hard',
    });
    expect(commandDataFromForm('reconcile.requested', { heal: 'true', limit: '20' })).toEqual({
      heal: true,
      limit: 20,
    });
    expect(() => commandDataFromForm('reconcile.requested', { limit: 'ten' })).toThrow(
      'limit: a whole number',
    );
    expect(() => commandDataFromForm('contact.sync_requested', {})).toThrow('give a phone');
  });
});
