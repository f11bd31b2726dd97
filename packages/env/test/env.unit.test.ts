import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bool, ConfigError, list, parseEnv, positiveInt, publicKeyPem, text, url } from '../src/index.ts';

const schema = z.object({
  NAME: text('default'),
  TOKEN: text(),
  ITEMS: list(),
  COUNT: positiveInt(3, 'seconds'),
  FLAG: bool(false),
  SECRET_URL: url(undefined, { protocols: ['postgres:'], secret: true }),
});

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(schema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('environment settings', () => {
  it('treat empty and blank values as unset, and trim the rest', () => {
    expect(parseEnv(schema, { NAME: '', TOKEN: '  ', ITEMS: ' a , ,b ', COUNT: ' 7 ' })).toEqual({
      NAME: 'default',
      TOKEN: undefined,
      ITEMS: ['a', 'b'],
      COUNT: 7,
      FLAG: false,
      SECRET_URL: undefined,
    });
  });

  it('report every refused variable, one line each, and never echo a secret one', () => {
    expect(problems({ COUNT: '1.5', FLAG: 'on', SECRET_URL: 'mysql://root:pw@db' })).toEqual([
      'COUNT: expected a whole number of seconds, got "1.5"',
      'FLAG: expected true or false, got "on"',
      'SECRET_URL: expected a postgres:// URL, (value not shown)',
    ]);
  });

  it('refuse numbers too large to be exact', () => {
    expect(problems({ COUNT: '9007199254740993' })).toEqual([
      'COUNT: expected a whole number of seconds, got "9007199254740993"',
    ]);
  });

  it('take a PEM key whose line breaks were written as \\n (one-line deployment settings)', () => {
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const oneLine = pem.trim().replace(/\n/g, '\\n');
    expect(parseEnv(z.object({ KEY: publicKeyPem('') }), { KEY: oneLine }).KEY).toBe(pem.trim());
  });
});
