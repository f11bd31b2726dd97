import { deadLetterTopic, TOPICS } from '@df/contracts';
import { dropDatabase } from '@df/db';
import { testKafka, uniqueName, waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDeployment, get, type ServiceProcess, startProcess } from './service-process.ts';

// A fresh environment as a deployment sees it: a database nobody created, topics nobody created.
const METRICS_TOKEN = 'metrics-token-for-the-test';
const deployment = freshDeployment('alone', METRICS_TOKEN);
const { prefix, databaseUrl } = deployment;
const base = () => ({
  ...deployment.env(),
  INGRESS_PORT: '0',
  LOG_LEVEL: 'info',
});
// The tools are never called (no event arrives): credentials only have to be well formed.
const ghlPit = { GHL_API_KEY: 'pit-test', GHL_LOCATION_ID: 'loc-test', GHL_BASE_URL: 'http://127.0.0.1:9' };
const toolEnv: Record<string, Record<string, string>> = {
  ingress: {},
  audit: {},
  'contact-sync': { ...ghlPit, ALOWARE_API_TOKEN: 'aloware-test' },
  'call-sync': ghlPit,
  'list-sync': { ...ghlPit, ALOWARE_API_TOKEN: 'aloware-test' },
  replay: {},
  backfill: { ...ghlPit, ALOWARE_API_TOKEN: 'aloware-test' },
  'messaging-relay': {
    ...ghlPit,
    GHL_AUTH: 'oauth',
    GHL_CLIENT_ID: 'client',
    GHL_CLIENT_SECRET: 'secret',
    GHL_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    GHL_CONVERSATION_PROVIDER_ID: 'provider-test',
    TEXTING_BASE_URL: 'http://127.0.0.1:9',
    TEXTING_API_KEY: 'texting-test',
  },
};
// The consumer group each process runs (the ingress runs one only with the OAuth app).
const groups: Record<string, string | null> = {
  ingress: null,
  audit: 'audit',
  'contact-sync': 'contact-sync',
  'call-sync': 'call-sync',
  'list-sync': 'list-sync',
  'messaging-relay': 'messaging-relay',
  replay: 'replay',
  backfill: 'backfill',
};

const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await dropDatabase(databaseUrl);
});

describe('a service on a cluster nobody provisioned', () => {
  it('exits 1 saying which topics are missing and what to run', async () => {
    const proc = startProcess(['--import', 'tsx', 'services/audit/src/main.ts'], {
      ...base(),
      TOPIC_PREFIX: `${uniqueName('unprovisioned')}.`,
    });
    running.push(proc);
    await waitFor('the process to give up', () => proc.child.exitCode !== null, { timeoutMs: 60_000 });
    expect(proc.child.exitCode).toBe(1);
    expect(proc.output()).toMatch(
      /audit: topics missing \([^)]*aloware\.events\.v1[^)]*\): run `npm run provision` first/,
    );
  });
});

describe('a service on a cluster provisioned before the replay topics existed', () => {
  it('names only the topic that is missing', async () => {
    const older = `${uniqueName('older')}.`;
    const own = [TOPICS.aloware, TOPICS.ghl, TOPICS.texting, TOPICS.outcomes, deadLetterTopic('audit')];
    const admin = testKafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: own.map((t) => ({ topic: `${older}${t}`, numPartitions: 1 })) });
    await admin.disconnect();
    const proc = startProcess(['--import', 'tsx', 'services/audit/src/main.ts'], {
      ...base(),
      TOPIC_PREFIX: older,
    });
    running.push(proc);
    await waitFor('the process to give up', () => proc.child.exitCode !== null, { timeoutMs: 60_000 });
    expect(proc.child.exitCode).toBe(1);
    expect(proc.output()).toContain(
      `audit: topics missing (${older}audit.replay): run \`npm run provision\` first`,
    );
  });
});

describe('every service deployed alone on a fresh cluster', () => {
  beforeAll(async () => {
    const provision = startProcess(['--import', 'tsx', 'packages/service-runtime/src/provision-cli.ts'], {
      ...base(),
      TOPIC_PARTITIONS: '3',
    });
    await waitFor('provisioning to finish', () => provision.child.exitCode !== null, { timeoutMs: 90_000 });
    expect(provision.output()).toContain('provisioned:');
    expect(provision.child.exitCode).toBe(0);
  });

  it('npm run provision created the topics with the configured partitions, dead letters on one', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({
        topics: [`${prefix}aloware.events.v1`, `${prefix}audit.dlq`],
      });
      const counts = topics.map((t) => [t.name, t.partitions.length]);
      expect(counts.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
        [`${prefix}aloware.events.v1`, 3],
        [`${prefix}audit.dlq`, 1],
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it.each(Object.keys(groups))(
    '%s answers /healthz, /readyz and /metrics on its own port',
    async (service) => {
      const main = `services/${service}/src/main.ts`;
      const proc = startProcess(['--import', 'tsx', main], { ...base(), ...toolEnv[service] });
      running.push(proc);
      const url = await proc.opsUrl();

      expect(await get(`${url}/healthz`)).toEqual({ status: 200, body: '{"status":"ok"}' });
      const ready = await waitFor('ready', async () => {
        const r = await get(`${url}/readyz`);
        return r.status === 200 && JSON.parse(r.body);
      });
      expect(ready.status).toBe('ready');
      expect((await get(`${url}/metrics`)).status).toBe(401);
      expect((await get(`${url}/metrics`, 'wrong')).status).toBe(401);

      const group = groups[service];
      const metrics = await waitFor('the group in the metrics', async () => {
        const r = await get(`${url}/metrics`, METRICS_TOKEN);
        return (group === null || r.body.includes(`group="${prefix}${group}"`)) && r.body;
      });
      expect(metrics).toMatch(/^df_process_cpu_user_seconds_total \d/m);
      expect(metrics).toMatch(/^df_nodejs_eventloop_lag_seconds /m);
      if (group) {
        expect(metrics).toMatch(
          new RegExp(`^df_consumer_lag\\{group="${prefix}${group}",topic="[^"]+",partition="2"\\} 0$`, 'm'),
        );
        expect(metrics).toContain(`df_dead_letters_pending{group="${prefix}${group}"} 0`);
        expect(metrics).toContain(`df_parked_keys{group="${prefix}${group}"} 0`);
      } else {
        expect(metrics).toContain('df_ingress_spool_depth');
      }

      // Graceful termination: SIGTERM drains and exits 0.
      expect(await proc.stop()).toBe(0);
    },
  );
});
