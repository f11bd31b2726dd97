import { describe, expect, it } from 'vitest';
import { type ConsentState, decideConsent, maySend } from '../src/domain/consent.ts';
import {
  decideInbound,
  decideOutbound,
  inboundIntentKey,
  outboundIntentKey,
} from '../src/domain/messages.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, s));
const optedOut = (kind: ConsentState['kind'], s = 0): ConsentState => ({
  optedOut: true,
  kind,
  source: 'texting',
  keyword: kind === 'keyword' ? 'STOP' : null,
  changedAt: at(s),
});
const stop = (s: number) =>
  ({ action: 'opted_out', kind: 'keyword', source: 'texting', keyword: 'STOP', at: at(s) }) as const;
const start = (s: number) =>
  ({ action: 'opted_in', source: 'texting', keyword: 'START', at: at(s) }) as const;

describe('decideConsent (guarantee 10)', () => {
  it('STOP opts a number out and asks for GHL SMS DND', () => {
    const decision = decideConsent(null, stop(1));
    expect(decision).toMatchObject({
      apply: true,
      ghlSmsDnd: 'active',
      next: { optedOut: true, keyword: 'STOP' },
    });
  });

  it('START lifts an opt-out that came from a keyword or the texting system’s keyword refusal', () => {
    expect(decideConsent(optedOut('keyword'), start(1))).toMatchObject({
      apply: true,
      ghlSmsDnd: 'inactive',
    });
    expect(decideConsent(optedOut('refused'), start(1))).toMatchObject({ apply: true });
  });

  it('START without an opt-out, or a second STOP, changes nothing', () => {
    expect(decideConsent(null, start(1))).toEqual({ apply: false, reason: 'not_opted_out' });
    expect(decideConsent(optedOut('keyword'), stop(2))).toEqual({
      apply: false,
      reason: 'already_opted_out',
    });
  });

  it('an older change never overwrites a newer one', () => {
    expect(decideConsent(optedOut('keyword', 5), start(4))).toEqual({ apply: false, reason: 'stale' });
  });

  it('an opted-out number may not be texted', () => {
    expect(maySend(null)).toBe(true);
    expect(maySend(optedOut('keyword'))).toBe(false);
    expect(maySend({ ...optedOut('keyword'), optedOut: false })).toBe(true);
  });
});

describe('message intents', () => {
  it('derive from the source message, so a redelivery finds the first intent', () => {
    expect(inboundIntentKey('loc', 'texting', 'm1')).toBe(inboundIntentKey('loc', 'texting', 'm1'));
    expect(inboundIntentKey('loc', 'texting', 'm1')).not.toBe(inboundIntentKey('loc', 'aloware', 'm1'));
    expect(outboundIntentKey('loc', 'g1')).not.toBe(inboundIntentKey('loc', 'ghl', 'g1'));
  });

  it('an inbound text is imported once; a half-done import is looked for before importing again', () => {
    expect(decideInbound(null)).toBe('import');
    const row = { status: 'importing' as const, ghlMessageId: null, ghlConversationId: null };
    expect(decideInbound(row)).toBe('import');
    expect(decideInbound({ ...row, ghlConversationId: 'c1' })).toBe('recover');
    expect(decideInbound({ ...row, status: 'imported', ghlMessageId: 'g1' })).toBe('duplicate');
  });

  it('an agent’s text is sent once, resumed with the same key, and refused when opted out', () => {
    expect(decideOutbound(null, false)).toBe('send');
    expect(decideOutbound(null, true)).toBe('refuse');
    const sending = { status: 'sending' as const, ghlMessageId: 'g1', ghlConversationId: null };
    expect(decideOutbound(sending, false)).toBe('send');
    expect(decideOutbound({ ...sending, status: 'sent' }, false)).toBe('duplicate');
    expect(decideOutbound({ ...sending, status: 'refused' }, false)).toBe('duplicate');
  });
});
