import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { argument, startBenchSystem, until } from './harness.ts';

/**
 * A burst of `--webhooks` (default 20,000) Aloware inbound-SMS webhooks into the whole system in one process
 * (ingress and every consumer), 32 keep-alive clients: the ingress rate, how long after the last accepted
 * webhook the `webhook_events` ledger holds them all, and the end-to-end rate. The same measurement as
 * ../shared/bench/ledger-catchup.mjs, on a system of its own.
 */
export async function benchLedgerCatchup() {
  const n = argument('webhooks', 20_000);
  const bench = await startBenchSystem();
  try {
    const { alowareUser, alowarePass } = bench.system.webhookCredentials;
    const fixture = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../../packages/simulators/contracts/aloware/sms-received.json'),
        'utf8',
      ),
    );
    const firstId = 1e9 + (Date.now() % 1e6) * 1e3;
    const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
    // Ids unique within the run and a fresh updated_at, so no delivery is taken for a redelivery of another.
    const bodies = Array.from({ length: n }, (_, i) => {
      const delivery = structuredClone(fixture);
      delivery.body.id = firstId + i;
      delivery.body.body = `hello ${i}`;
      delivery.body.updated_at = stamp;
      return JSON.stringify(delivery);
    });
    const url = new URL(bench.system.ingressUrl);
    const auth = `Basic ${Buffer.from(`${alowareUser}:${alowarePass}`).toString('base64')}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const post = (body: string) =>
      new Promise<number>((resolve) => {
        const request = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: '/webhooks/aloware',
            headers: {
              'content-type': 'application/json',
              authorization: auth,
              'content-length': Buffer.byteLength(body),
            },
          },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          },
        );
        request.on('error', () => resolve(0));
        request.end(body);
      });
    const count = async () =>
      Number(
        (
          await bench.db
            .selectFrom('webhook_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const base = await count();
    const started = performance.now();
    let next = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < n) {
          const status = await post(bodies[next++]!);
          if (status === 0 || status >= 300) refused += 1;
        }
      }),
    );
    const sent = performance.now();
    await until('the ledger to hold every accepted webhook', async () => {
      if ((await count()) - base >= n - refused) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return false;
    });
    const done = performance.now();
    agent.destroy();
    console.log(`ledger catch-up: ${n} Aloware webhooks, 32 clients, ingress and every consumer in one process
  ingress                    ${Math.round(n / ((sent - started) / 1000))} accepted webhooks/s (${refused} refused)
  ledger caught up           ${((done - sent) / 1000).toFixed(1)} s after the last accepted webhook
  end to end                 ${Math.round((n - refused) / ((done - started) / 1000))} events/s`);
  } finally {
    await bench.stop();
  }
}
