import type { Database } from '@df/db';
import type { EventProducer, Kafka, SchemaCodec } from '@df/kafka';
import type { Logger } from '@df/telemetry';
import type { Kysely } from 'kysely';

/** GHL's daily budget for a location, as the tool last reported it to the process that called it. */
export interface GhlBudget {
  locationId: string;
  limit: number;
  remaining: number;
  /** When GHL reported it (ms since epoch). */
  at: number;
}

/** What the console reads and writes through: the same servers the services use, nothing of their own. */
export interface ConsoleDeps {
  kafka: Kafka;
  codec: SchemaCodec;
  db: Kysely<Database>;
  producer: EventProducer;
  schemaIdFor: (topic: string) => Promise<number>;
  topicPrefix: string;
  /** Tenant of the commands the console publishes (the GHL location, as the CLIs use). */
  tenant: string;
  /** The GHL budgets known to this process (the all-in-one's client); none when run alone. */
  ghlBudgets?: () => GhlBudget[];
  log: Logger;
  now?: () => Date;
}
