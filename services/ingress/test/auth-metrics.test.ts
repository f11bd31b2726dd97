import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngressUnderTest, OPERATOR_TOKEN, startTestIngress } from './ingress-harness.ts';

let it_: IngressUnderTest;

beforeAll(async () => {
  it_ = await startTestIngress();
});
afterAll(() => it_.close());

const PATHS = [
  '/webhooks/aloware',
  '/webhooks/ghl',
  '/webhooks/ghl/provider',
  '/webhooks/texting',
  '/metrics',
];

/** The `n`-th spelling of a path the router still matches: case flipped per letter, trailing slash or not. */
function variant(path: string, n: number): string {
  const letters = [...path].map((c, i) => ((n >> (i % 20)) & 1 ? c.toUpperCase() : c));
  return `${letters.join('')}${n % 2 ? '/' : ''}`;
}

/** Every value the `route` label takes in one metric of /metrics. */
async function routeLabels(metric: string): Promise<Set<string>> {
  const response = await fetch(`${it_.ingress.url}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  const routes = (await response.text())
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`))
    .map((line) => /route="([^"]*)"/.exec(line)?.[1] ?? '');
  return new Set(routes);
}

async function unauthenticatedRound(from: number, count: number) {
  for (let n = from; n < from + count; n++) {
    for (const path of PATHS) {
      const url = `${it_.ingress.url}${variant(path, n)}`;
      const response =
        path === '/metrics'
          ? await fetch(url, { headers: { authorization: 'Bearer wrong' } })
          : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status, url).toBe(401);
    }
  }
}

describe('auth-failure metrics', () => {
  it('label refusals by matched route, so path spellings add no label values', async () => {
    await unauthenticatedRound(0, 20);
    const failures = await routeLabels('df_ingress_auth_failures_total');
    expect([...failures].sort()).toEqual([...PATHS].sort());
    const requests = await routeLabels('df_ingress_requests_total');

    await unauthenticatedRound(20, 100);
    expect(await routeLabels('df_ingress_auth_failures_total')).toEqual(failures);
    expect(await routeLabels('df_ingress_requests_total')).toEqual(requests);
  });
});
