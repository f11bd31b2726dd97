/** Shared setup for the Aloware simulator unit tests: one simulator and one webhook receiver per test. */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach } from 'vitest';
import {
  type AlowareSimulator,
  alowareFixturePath as fixturePath,
  startAlowareSimulator,
  ALOWARE_WEBHOOK_FIXTURE_FILES as WEBHOOK_FIXTURE_FILES,
} from '../src/aloware/index.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from './aloware-receiver.ts';

export const TOKEN = 'sim-token-123';
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

// Live bindings: reassigned before each test by useAlowareSimulator().
export let sim: AlowareSimulator;
export let receiver: Receiver;

export async function api(
  path: string,
  init: { method?: string; query?: Record<string, string>; body?: unknown } = {},
) {
  const url = new URL(`${sim.apiUrl}${path}`);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const response = await fetch(url, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

export const post = (path: string, body: Record<string, unknown>) =>
  api(path, { body: { api_token: TOKEN, ...body } });
export const get = (path: string, query: Record<string, string> = {}) =>
  api(path, { query: { api_token: TOKEN, ...query } });

export function fixtureFor(event: keyof typeof WEBHOOK_FIXTURE_FILES) {
  // Compare against the fixture file on disk (a copy of shared/contracts/aloware).
  return JSON.parse(readFileSync(fixturePath(WEBHOOK_FIXTURE_FILES[event]), 'utf8')) as {
    body: Record<string, unknown>;
    event: string;
  };
}

export function envelope(r: ReceivedRequest) {
  return r.json as { body: Record<string, unknown>; event: string };
}

export function fixtureUsers() {
  return [
    {
      id: 120701,
      name: 'Grace Example',
      email: 'grace.example@example.com',
      agent_status: 1,
      human_readable_agent_status: 'Available',
    },
    {
      id: 120702,
      name: 'Alan Example',
      email: 'alan.example@example.com',
      agent_status: 0,
      human_readable_agent_status: 'Offline',
    },
  ];
}

/**
 * Registers the per-test start/stop of the simulator and its webhook receiver. A file whose tests
 * replace the simulator keeps its own binding: `onStart` hands it the fresh simulator and `current`
 * names the one to close afterwards.
 */
export function useAlowareSimulator(
  binding: { onStart?: (started: AlowareSimulator) => void; current?: () => AlowareSimulator } = {},
): void {
  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startAlowareSimulator({
      apiToken: TOKEN,
      webhookUrl: receiver.url,
      webhookAuth: { type: 'basic', username: 'aloware', password: 's3cret' },
    });
    binding.onStart?.(sim);
  });

  afterEach(async () => {
    await (binding.current?.() ?? sim).close();
    await receiver.close();
  });
}
