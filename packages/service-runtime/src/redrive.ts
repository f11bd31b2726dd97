import { type ConsumerGroup, deadLetterTopic } from '@df/contracts';
import { type DeadLetterFilter, type EventProducer, redriveDeadLetters } from '@df/kafka';
import { sql } from 'kysely';
import type { Infrastructure } from './infrastructure.ts';

export type RedriveEnvironment = Pick<Infrastructure, 'kafka' | 'db' | 'topicPrefix'>;

/**
 * Puts a group's dead letters the filter selects back on their topics, one redrive of a group at a time across
 * processes (npm run dlq, npm run replay, the command, the console): two at once would both read the same
 * letters as not redriven yet and put each back twice. The second waits for a session advisory lock, then
 * finds only what is left. How many went back.
 */
export function redriveGroup(
  env: RedriveEnvironment,
  producer: EventProducer,
  group: ConsumerGroup,
  filter: DeadLetterFilter = {},
): Promise<number> {
  const topic = `${env.topicPrefix}${deadLetterTopic(group)}`;
  const lock = sql`hashtextextended(${`df-redrive|${topic}`}, 0)`;
  return env.db.connection().execute(async (session) => {
    await sql`select pg_advisory_lock(${lock})`.execute(session);
    try {
      return await redriveDeadLetters(env.kafka, producer, topic, filter);
    } finally {
      await sql`select pg_advisory_unlock(${lock})`.execute(session);
    }
  });
}
