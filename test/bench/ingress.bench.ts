import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '@df/db';
import { connectInfrastructure, provisionEventBus } from '@df/service-runtime';
import { repoRoot, stackConfig, stackUp } from '@df/stack';
import { createLogger } from '@df/telemetry';
import { uniqueName } from '@df/test-kit/naming';
import { argument, percentile, until } from './harness.ts';

const PORT = 3999;

function post(agent: Agent, body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: PORT,
        method: 'POST',
        path: '/webhooks/ghl',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-ghl-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) / 1024 : Number.NaN;
};

/**
 * ingress alone, in its own process, as deployed: signed GHL webhooks at rising concurrency (closed loop,
 * keep-alive connections) from this process. Every accepted request was acked by Kafka (`acks=all`) before
 * its 200. Prints sustained accepted req/s, p50/p99 latency and the ingress's RSS per step.
 */
export async function benchIngress() {
  const seconds = argument('seconds', 5);
  const config = stackConfig();
  await stackUp(config);
  const url = new URL(config.databaseUrl);
  url.pathname = `/df_bench_ingress_${Date.now().toString(36)}`;
  await ensureDatabase(url.toString());
  const db = createDb(url.toString(), { max: 2 });
  await migrateToLatest(db);
  const topicPrefix = `${uniqueName('bench-ingress')}.`;
  const infra = connectInfrastructure({
    kafkaBrokers: config.kafkaBrokers,
    schemaRegistryUrl: config.schemaRegistryUrl,
    db,
    topicPrefix,
    clientId: 'bench',
    log: createLogger({ service: 'bench' }, { level: 'error' }),
  });
  await provisionEventBus(infra);

  const keys = generateKeyPairSync('ed25519');
  const ingress = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'services/ingress/src/main.ts')],
    {
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        TOPIC_PREFIX: topicPrefix,
        INGRESS_PORT: String(PORT),
        LOG_LEVEL: 'error',
        GHL_WEBHOOK_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  try {
    await until('the ingress to listen', async () => {
      try {
        return (await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok;
      } catch {
        return false;
      }
    });
    // Signed ahead of time, so the load generator spends its share of the two cores on sending only.
    const deliveries = Array.from({ length: 4_000 * seconds * 5 }, () => {
      const body = JSON.stringify({
        type: 'ContactUpdate',
        locationId: 'bench-location',
        id: randomUUID(),
        firstName: 'Bench',
        phone: `+1202555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
        timestamp: new Date(Date.now() + 60_000).toISOString(),
        webhookId: randomUUID(),
      });
      return { body, signature: sign(null, Buffer.from(body), keys.privateKey).toString('base64') };
    });
    console.log(
      `ingress: signed GHL webhooks, ${seconds} s per step, Kafka acks=all, broker and Postgres on this machine`,
    );
    console.log('  concurrency   accepted req/s   p50 ms   p99 ms   non-2xx   ingress RSS MB');
    for (const concurrency of [1, 8, 32, 64, 128]) {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      const latencies: number[] = [];
      let failed = 0;
      const until_ = Date.now() + seconds * 1000;
      const worker = async () => {
        while (Date.now() < until_) {
          const next = deliveries.pop();
          if (!next) throw new Error('ran out of pre-signed deliveries; lower --seconds');
          const started = performance.now();
          const status = await post(agent, next.body, next.signature);
          if (status >= 200 && status < 300) latencies.push(performance.now() - started);
          else failed += 1;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      agent.destroy();
      console.log(
        `  ${String(concurrency).padStart(11)}   ${(latencies.length / seconds).toFixed(0).padStart(14)}   ${percentile(latencies, 50).toFixed(1).padStart(6)}   ${percentile(latencies, 99).toFixed(1).padStart(6)}   ${String(failed).padStart(7)}   ${rssMb(ingress.pid!).toFixed(0).padStart(14)}`,
      );
    }
  } finally {
    ingress.kill('SIGTERM');
    await new Promise((resolve) => ingress.once('exit', resolve));
    await db.destroy();
    await dropDatabase(url.toString());
  }
}
