import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { EventEnvelope, TOPIC_DECLARATIONS } from '@df/contracts';
import { createKafka, provisionTopics, readTopic } from '@df/kafka';
import { createLogger } from '@df/telemetry';
import {
  createTestDatabase,
  type TestDatabase,
  testCodec,
  testKafka,
  testStack,
  uniqueName,
} from '@df/test-kit';
import { type IngressConfig, ingressConfig } from '../src/config.ts';
import { type IngressInfrastructure, type RunningIngress, startIngress } from '../src/server.ts';

export const ALOWARE_USER = 'aloware-hook';
export const ALOWARE_PASS = 'correct horse battery staple';
export const OPERATOR_TOKEN = 'operator-secret-token';
export const TEXTING_SECRETS = ['new-texting-secret', 'old-texting-secret'];
export const TEXTING_SHARED = 'legacy-shared-secret';

/** The key pairs a GHL simulator would sign with; the ingress is configured with their public halves. */
export const ghlKeys = {
  ed25519: generateKeyPairSync('ed25519'),
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

export function signGhl(body: string) {
  return {
    'x-ghl-signature': sign(null, Buffer.from(body), ghlKeys.ed25519.privateKey).toString('base64'),
    'x-wh-signature': sign('sha256', Buffer.from(body), ghlKeys.rsa.privateKey).toString('base64'),
  };
}

export function signTexting(body: string, secret: string, at = Math.floor(Date.now() / 1000)) {
  const signature = createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
  return { 'x-texting-timestamp': String(at), 'x-texting-signature': `v1=${signature}` };
}

export const basicAuth = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

export function testIngressConfig(overrides: Partial<IngressConfig> = {}): IngressConfig {
  const base = ingressConfig({
    ALOWARE_WEBHOOK_BASIC_USER: ALOWARE_USER,
    ALOWARE_WEBHOOK_BASIC_PASS: ALOWARE_PASS,
    ALOWARE_WEBHOOK_BEARER_TOKEN: 'aloware-bearer',
    GHL_WEBHOOK_PUBLIC_KEY: ghlKeys.ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    GHL_WEBHOOK_LEGACY_PUBLIC_KEY: ghlKeys.rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    TEXTING_WEBHOOK_SIGNING_SECRETS: TEXTING_SECRETS.join(','),
    TEXTING_WEBHOOK_SHARED_SECRET: TEXTING_SHARED,
    OPERATOR_TOKEN,
    INGRESS_PORT: '0',
    INGRESS_PUBLISH_TIMEOUT_MS: '3000',
  });
  return { ...base, topicPrefix: `${uniqueName('it')}.`, ...overrides };
}

export interface IngressUnderTest {
  ingress: RunningIngress;
  config: IngressConfig;
  database: TestDatabase;
  topic(name: string): string;
  post(path: string, body: string | object, headers?: Record<string, string>): Promise<Response>;
  /** Every record of one of this ingress's topics, decoded and validated as the consumers will see it. */
  events(
    topic: string,
  ): Promise<Array<{ key: string | null; headers: Record<string, string>; value: EventEnvelope }>>;
  /** Decoded values of one of this ingress's topics, unvalidated (commands are not event envelopes). */
  values(topic: string): Promise<unknown[]>;
  close(): Promise<void>;
}

/** An ingress on its own topics (prefixed) and its own database, against the real stack. */
export async function startTestIngress(
  overrides: Partial<IngressConfig> = {},
  infra: {
    /** What the ingress publishes to (default: the suite's broker). */
    kafkaBrokers?: string[];
    /** Where the test creates and reads the topics (default: the suite's broker). */
    topicBrokers?: string[];
    database?: TestDatabase;
    onAcceptStep?: IngressInfrastructure['onAcceptStep'];
    /** Receives the ingress's log lines (default: errors only, on stdout). */
    log?: IngressInfrastructure['log'];
  } = {},
): Promise<IngressUnderTest> {
  const config = testIngressConfig(overrides);
  const kafka = infra.topicBrokers
    ? createKafka({ brokers: infra.topicBrokers, clientId: 'ingress-test' })
    : testKafka();
  await provisionTopics(
    kafka,
    TOPIC_DECLARATIONS.map((d) => ({ name: `${config.topicPrefix}${d.name}`, partitions: 2 })),
  );
  const database = infra.database ?? (await createTestDatabase());
  const ingress = await startIngress(config, {
    kafkaBrokers: infra.kafkaBrokers ?? testStack().kafkaBrokers,
    schemaRegistryUrl: testStack().schemaRegistryUrl,
    db: database.db,
    log: infra.log ?? createLogger({ service: 'ingress-test' }, { level: 'error' }),
    onAcceptStep: infra.onAcceptStep,
  });
  const codec = testCodec();
  return {
    ingress,
    config,
    database,
    topic: (name) => `${config.topicPrefix}${name}`,
    post: (path, body, headers = {}) =>
      fetch(`${ingress.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async events(topic) {
      const records = await readTopic(kafka, `${config.topicPrefix}${topic}`);
      return Promise.all(
        records.map(async (r) => ({
          key: r.key,
          headers: r.headers,
          value: EventEnvelope.parse(await codec.decode(r.value!)),
        })),
      );
    },
    async values(topic) {
      const records = await readTopic(kafka, `${config.topicPrefix}${topic}`);
      return Promise.all(records.map((r) => codec.decode(r.value!)));
    },
    async close() {
      await ingress.close();
      if (!infra.database) await database.drop();
    },
  };
}
