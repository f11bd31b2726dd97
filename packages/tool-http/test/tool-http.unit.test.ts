import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  codeForStatus,
  errorForAnswer,
  isToolError,
  parseAnswer,
  retryAfterMs,
  sendRequest,
  ToolError,
} from '../src/index.ts';

const ctx = { tool: 'aloware', operation: 'probe' } as const;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/hang') return; // never answers
    if (path === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      return;
    }
    if (path === '/limited') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ message: 'slow down' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 7 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = (path: string, timeoutMs = 2_000) =>
  sendRequest({
    ...ctx,
    url: `${base}${path}?api_token=secret-token`,
    method: 'GET',
    headers: {},
    timeoutMs,
  });

describe('status and Retry-After', () => {
  it('maps statuses to closed codes, 400 "not found" included', () => {
    expect([401, 403, 404, 408, 409, 422, 429, 500, 503, 400].map((s) => codeForStatus(s))).toEqual([
      'unauthorized',
      'forbidden',
      'not_found',
      'timeout',
      'conflict',
      'unprocessable',
      'rate_limited',
      'server',
      'server',
      'bad_request',
    ]);
    expect(codeForStatus(400, ['Contact not found'])).toBe('not_found');
  });

  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it('marks only transient codes retriable', () => {
    expect(new ToolError('rate_limited', ctx).retriable).toBe(true);
    expect(new ToolError('invalid_response', ctx).retriable).toBe(false);
    expect(isToolError(new ToolError('auth_broken', ctx), 'auth_broken')).toBe(true);
  });
});

describe('sendRequest', () => {
  it('parses a JSON answer with its schema', async () => {
    const answer = await get('/ok');
    expect(parseAnswer(z.object({ id: z.number() }), answer, ctx)).toEqual({ id: 7 });
  });

  it('fails a wrong shape and an HTML 200 as invalid_response', async () => {
    const wrong = await get('/ok');
    expect(() => parseAnswer(z.object({ id: z.string() }), wrong, ctx)).toThrow(
      expect.objectContaining({ code: 'invalid_response', retriable: false }),
    );
    const html = await get('/html');
    expect(() => parseAnswer(z.object({}), html, ctx)).toThrow(
      expect.objectContaining({ code: 'invalid_response', serverMessages: ['expected JSON, got text/html'] }),
    );
  });

  it('turns a 429 into rate_limited with its Retry-After', async () => {
    const answer = await get('/limited');
    const error = errorForAnswer(answer, ctx, { serverMessages: ['slow down'] });
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 2000, retriable: true });
    expect(error.message).not.toContain('slow down');
  });

  it('times out a hanging answer without leaking the URL', async () => {
    const error = await get('/hang', 200).catch((e: unknown) => e);
    expect(isToolError(error, 'timeout')).toBe(true);
    expect(`${(error as Error).message} ${String((error as Error).cause)}`).not.toContain('secret-token');
  });
});
