import { startTextingSimulator, type TextingSimulator } from '@df/simulators';
import { ToolError } from '@df/tool-http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTextingClient, isOptedOut, type TextingClient } from '../src/index.ts';

const API_KEY = 'texting-client-key-77';

let sim: TextingSimulator;
let client: TextingClient;

beforeEach(async () => {
  sim = await startTextingSimulator({ apiKey: API_KEY });
  client = createTextingClient({ baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 5_000 });
});

afterEach(async () => {
  await sim.close();
});

async function failure(fn: () => Promise<unknown>): Promise<ToolError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  const e = error as ToolError;
  expect(`${e.message} ${e.stack ?? ''} ${JSON.stringify(e)}`).not.toContain(API_KEY);
  return e;
}

describe('sendMessage', () => {
  it('sends with an Idempotency-Key; the same key returns the same message and sends nothing twice', async () => {
    const input = {
      to: '+12025550142',
      body: 'Thanks, talk soon',
      from: '+12025550199',
      idempotencyKey: 'evt-42',
    };
    const first = await client.sendMessage({ ...input, correlationId: 'corr-1' });
    expect(first.status).toBe('pending');
    const second = await client.sendMessage(input);
    expect(second).toEqual(first);
    expect(sim.sent()).toHaveLength(1);
    expect(sim.sent()[0]).toMatchObject({
      chatMessageId: first.messageId,
      idempotencyKey: 'evt-42',
      correlationId: 'corr-1',
    });
    const request = sim.requests[0]!;
    expect(request.headers['idempotency-key']).toBe('evt-42');
    expect(request.headers.authorization).toBe('[redacted]');
  });

  it('maps 400, 401 and 409 (opted out) to permanent errors', async () => {
    expect(
      await failure(() => client.sendMessage({ to: 'x', body: 'hi', idempotencyKey: 'a' })),
    ).toMatchObject({
      code: 'bad_request',
      status: 400,
      retriable: false,
    });
    const wrong = createTextingClient({ baseUrl: sim.url, apiKey: 'nope' });
    expect(
      await failure(() => wrong.sendMessage({ to: '+12025550142', body: 'hi', idempotencyKey: 'b' })),
    ).toMatchObject({
      code: 'unauthorized',
      retriable: false,
    });
    sim.optOut('+12025550142');
    const optedOut = await failure(() =>
      client.sendMessage({ to: '+12025550142', body: 'hi', idempotencyKey: 'c' }),
    );
    expect(optedOut).toMatchObject({ code: 'conflict', status: 409, retriable: false });
    expect(isOptedOut(optedOut)).toBe(true);
  });

  it('marks 429 (with Retry-After), 5xx, network errors and timeouts retriable', async () => {
    const input = { to: '+12025550142', body: 'hi', idempotencyKey: 'retry-1' };
    sim.failNext(1, { status: 429, retryAfterSec: 7, body: { success: false, error: 'slow down' } });
    expect(await failure(() => client.sendMessage(input))).toMatchObject({
      code: 'rate_limited',
      retriable: true,
      retryAfterMs: 7000,
    });
    sim.failNext(1, { status: 502 });
    expect(await failure(() => client.sendMessage(input))).toMatchObject({ code: 'server', retriable: true });
    sim.failNext(1, { reset: true });
    expect(await failure(() => client.sendMessage(input))).toMatchObject({
      code: 'network',
      retriable: true,
    });
    const impatient = createTextingClient({ baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 50 });
    sim.setLatency(1_000);
    expect(await failure(() => impatient.sendMessage(input))).toMatchObject({
      code: 'timeout',
      retriable: true,
    });
    sim.setLatency(0);
    // The retry with the same key finally goes through exactly once.
    await client.sendMessage(input);
    await client.sendMessage(input);
    expect(sim.sent()).toHaveLength(1);
  });

  it('rejects an answer of the wrong shape as invalid_response', async () => {
    sim.failNext(1, { status: 200, body: { ok: true } });
    expect(
      await failure(() => client.sendMessage({ to: '+12025550142', body: 'hi', idempotencyKey: 'x' })),
    ).toMatchObject({ code: 'invalid_response', retriable: false });
  });
});
