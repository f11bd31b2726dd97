import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { TOPICS } from '@df/contracts';
import { classifyFailure, createKafka, provisionTopics, readTopic } from '@df/kafka';
import { connectInfrastructure, OutcomeReporter } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { createTestDatabase, type TestDatabase, testStack, uniqueName } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** A TCP door to the real broker that the test opens when it wants Kafka to "come back". */
async function brokerDoor() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  await once(probe, 'close');
  const [host, brokerPort] = testStack().kafkaBrokers[0]!.split(':');
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    address: `127.0.0.1:${port}`,
    async open() {
      server = createServer((client) => {
        const upstream = connect(Number(brokerPort), host);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async close() {
      for (const s of sockets) s.destroy();
      server?.close();
    },
  };
}

describe('outcome reporter', () => {
  it('reports once Kafka is reachable even though its first connect failed', async () => {
    const door = await brokerDoor();
    const log = createLogger({ service: 'test' }, { write: () => {} });
    const real = connectInfrastructure({
      ...testStack(),
      db: database.db,
      topicPrefix: `${uniqueName('outcomes')}.`,
      clientId: 'outcomes-test',
      log,
    });
    const topic = `${real.topicPrefix}${TOPICS.outcomes}`;
    await provisionTopics(real.kafka, [{ name: topic, partitions: 1 }]);
    // Bootstraps through the closed door, with one quick retry, so the first connect fails at once.
    const infra = {
      ...real,
      kafka: createKafka({ brokers: [door.address], clientId: 'outcomes-test', retries: 1 }),
    };
    const reporter = new OutcomeReporter(infra, 'contact-sync');
    const cause = { id: randomUUID(), correlationId: 'corr-1', tenant: 'loc-1' };
    const outcome = {
      entity: { type: 'contact' as const, id: 'c-1' },
      direction: 'aloware_to_ghl' as const,
      action: 'created' as const,
      reason: null,
      target: { system: 'ghl' as const, id: 'g-1' },
    };

    const failure = await reporter.report(cause, outcome).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(classifyFailure(failure)).toBe('retry'); // retried by the runner, never dead-lettered

    await door.open();
    try {
      await reporter.report(cause, outcome);
      const stored = await readTopic(real.kafka, topic);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.headers['x-event-id']).toBe(cause.id);
    } finally {
      await reporter.close();
      await door.close();
    }
  });
});
