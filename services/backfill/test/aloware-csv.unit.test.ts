import { describe, expect, it } from 'vitest';
import { alowareSnapshotEvent, readAlowareCsv } from '../src/domain/aloware-csv.ts';
import { parseCsv } from '../src/domain/csv.ts';

describe('parseCsv', () => {
  it("reads quoted commas, doubled quotes, line breaks inside quotes, CRLF and a BOM, with each record's line", () => {
    const { records } = parseCsv('\uFEFFa,b\r\n"1,2","say ""hi"""\r\n\r\n"multi\nline",x\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1,2', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', 'x'] },
    ]);
  });

  it('names the line of a quote that never closes', () => {
    expect(parseCsv('a,b\n1,"open\n2,3\n').error).toEqual({ line: 2, reason: 'unterminated quoted field' });
  });
});

describe('readAlowareCsv', () => {
  it('refuses a header without the contact id or phone', () => {
    expect(readAlowareCsv('first_name,email\nAda,a@b.c\n').bad).toEqual([
      { line: 1, reason: 'header lacks id, phone_number' },
    ]);
  });

  it('keeps good rows and reports every bad one with its line and reason', () => {
    const csv = [
      'id,phone_number,email,is_dnc,updated_at,extra',
      '1,(202) 555-0100,a@example.com,1,2026-11-30 10:00:00,x',
      'x1,+12025550101,,,,',
      '2,12,,,,',
      '3,+12025550103,not-an-email,,,',
      '4,+12025550104,,perhaps,,',
      '5,+12025550105,,,yesterday,',
      '6,+12025550106,,',
    ].join('\n');
    const { rows, bad, ignored } = readAlowareCsv(csv);
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(bad).toEqual([
      { line: 3, reason: 'id is not an Aloware contact id (digits)' },
      { line: 4, reason: 'phone_number is not a phone number' },
      { line: 5, reason: 'email is not an e-mail' },
      { line: 6, reason: 'is_dnc is not true/false/1/0/yes/no' },
      { line: 7, reason: 'updated_at is not a time' },
      { line: 8, reason: '4 fields where the header has 6' },
    ]);
    expect(ignored).toEqual(['extra']);
  });

  it('turns a row into the Aloware contact event its webhook would be, with an id that a rerun repeats', () => {
    const { rows } = readAlowareCsv('id,phone_number,first_name,is_dnc,tags\n9,2025550199,Ada,yes,vip;hot\n');
    const ctx = { tenant: 't', runId: 'r1', now: new Date(), exportedAt: new Date('2026-12-01T00:00:00Z') };
    const event = alowareSnapshotEvent(rows[0]!, ctx);
    expect(event).toMatchObject({
      type: 'contact.updated',
      source: 'aloware',
      naturalKey: '+12025550199',
      occurredAt: '2026-12-01T00:00:00.000Z',
      backfill: { runId: 'r1' },
      data: {
        alowareContactId: '9',
        phone: '+12025550199',
        firstName: 'Ada',
        dnd: true,
        tags: ['vip', 'hot'],
      },
    });
    expect(alowareSnapshotEvent(rows[0]!, { ...ctx, runId: 'r2', now: new Date() }).id).toBe(event.id);
  });
});
