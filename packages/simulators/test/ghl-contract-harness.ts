/** Shared setup for the GHL contract unit tests: one simulator and two webhook receivers per file. */
import { readFileSync } from 'node:fs';
import {
  type GhlSimulator,
  type GhlWebhookReceiver,
  ghlSpec,
  startGhlSimulator,
  startGhlWebhookReceiver,
} from '@df/simulators';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export const CONTACTS = '2021-07-28';
export const CONVERSATIONS = '2021-04-15';

// Live bindings: assigned once per test file by useGhlSimulator().
export let sim: GhlSimulator;
export let hooks: GhlWebhookReceiver;
export let provider: GhlWebhookReceiver;
export let other: string;

export interface Call {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function call(
  method: string,
  path: string,
  body?: unknown,
  opts: { version?: string | null; token?: string | null; form?: boolean } = {},
): Promise<Call> {
  const headers: Record<string, string> = {};
  const version =
    opts.version === undefined
      ? path.startsWith('/conversations')
        ? CONVERSATIONS
        : CONTACTS
      : opts.version;
  if (version) headers.version = version;
  const token = opts.token === undefined ? sim.pitToken : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = opts.form ? 'application/x-www-form-urlencoded' : 'application/json';
    payload = opts.form
      ? new URLSearchParams(body as Record<string, string>).toString()
      : JSON.stringify(body);
  }
  const response = await fetch(sim.url + path, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

/** Request bodies are checked against the official request schema before they are sent. */
export function expectValidRequest(
  spec: 'contacts' | 'conversations' | 'oauth',
  schema: string,
  body: unknown,
) {
  expect(ghlSpec().validateSchema(spec, schema, body)).toEqual([]);
}

export function expectValidResponse(
  spec: 'contacts' | 'conversations' | 'oauth',
  method: string,
  path: string,
  res: Call,
): void {
  expect(ghlSpec().validateResponse(spec, method, path, res.status, res.body)).toEqual([]);
}

export function webhookSchemaKeys(event: string): string[] {
  const md = readFileSync(new URL(`../contracts/ghl/webhook-events/${event}.md`, import.meta.url), 'utf8');
  const block = /```json json_schema\n([\s\S]*?)\n```/.exec(md)?.[1];
  return Object.keys((JSON.parse(block as string) as { properties: Record<string, unknown> }).properties);
}

/** Registers the per-file start/stop of the simulator and the per-test fault/rate-limit reset. */
export function useGhlSimulator(): void {
  beforeAll(async () => {
    hooks = await startGhlWebhookReceiver();
    provider = await startGhlWebhookReceiver();
    other = 'OtherLocation00000001';
    sim = await startGhlSimulator({
      locationIds: ['SimLocation000000001', other],
      webhookUrl: hooks.url,
      providerWebhookUrl: provider.url,
      webhookRetry: { attempts: 4, baseDelayMs: 20 },
    });
  });

  afterAll(async () => {
    await sim.close();
    await hooks.close();
    await provider.close();
  });

  afterEach(() => {
    sim.clearFaults();
    sim.resetRateLimits();
  });
}
