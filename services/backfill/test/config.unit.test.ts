import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backfillEnv } from '../src/config.ts';

const parse = (env: Record<string, string>) => z.object(backfillEnv).safeParse(env);

describe('backfill settings', () => {
  it('refuses at start a page size GHL would refuse at every search (more than 500)', () => {
    expect(parse({ BACKFILL_PAGE_SIZE: '500' }).success).toBe(true);
    const refused = parse({ BACKFILL_PAGE_SIZE: '501' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({
      path: ['BACKFILL_PAGE_SIZE'],
      message: expect.stringContaining('500'),
    });
  });
});
