import { createDb, type Database, dropDatabase, ensureDatabase } from '@df/db';
import { createKafka, type Kafka, provisionTopics, SchemaCodec, type TopicDeclaration } from '@df/kafka';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { uniqueName } from './stack.ts';
import './provided.ts';

/** Addresses of the real servers the global setup brought up. */
export function testStack() {
  const kafkaBrokers = inject('kafkaBrokers');
  // Only the `stack` vitest project runs the global setup (see vitest.config.ts).
  if (!kafkaBrokers) throw new Error('this test uses the stack: name it *.test.ts, not *.unit.test.ts');
  return {
    kafkaBrokers,
    schemaRegistryUrl: inject('schemaRegistryUrl'),
    databaseUrl: inject('databaseUrl'),
  };
}

export interface TestDatabase {
  url: string;
  db: Kysely<Database>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, fully migrated database of its own (cloned from the template in well under a second). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = new URL(testStack().databaseUrl);
  url.pathname = `/${uniqueName('df_test').replaceAll('-', '_')}`;
  await ensureDatabase(url.toString(), { template: inject('templateDatabase') });
  const db = createDb(url.toString(), { max: 12 });
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      await dropDatabase(url.toString());
    },
  };
}

export function testKafka(clientId = uniqueName('test')): Kafka {
  return createKafka({ brokers: testStack().kafkaBrokers, clientId });
}

export function testCodec(): SchemaCodec {
  return new SchemaCodec(testStack().schemaRegistryUrl);
}

/** Creates uniquely named topics (so tests never see each other's records) and returns their names. */
export async function createTestTopics(
  kafka: Kafka,
  prefix: string,
  partitions = 1,
  count = 1,
): Promise<string[]> {
  const declarations: TopicDeclaration[] = Array.from({ length: count }, (_, i) => ({
    name: uniqueName(`${prefix}${count > 1 ? i : ''}`),
    partitions,
  }));
  await provisionTopics(kafka, declarations);
  return declarations.map((d) => d.name);
}
