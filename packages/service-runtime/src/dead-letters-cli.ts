import { CONSUMER_GROUPS, deadLetterTopic } from '@df/contracts';
import { EventProducer, listDeadLetters } from '@df/kafka';
import { createLogger } from '@df/telemetry';
import { infrastructureFromEnv } from './infrastructure.ts';
import { redriveGroup } from './redrive.ts';

/**
 * `npm run dlq -- list <group>` shows the dead letters of a consumer group not redriven yet (reason, source,
 * attempts; never the payload). `npm run dlq -- redrive <group>` puts them back on their source topics.
 */
const [verb, group] = process.argv.slice(2);
if (!['list', 'redrive'].includes(verb ?? '') || !CONSUMER_GROUPS.includes(group as never)) {
  console.error(`usage: npm run dlq -- list|redrive <${CONSUMER_GROUPS.join('|')}>`);
  process.exit(2);
}
const infra = infrastructureFromEnv('dlq-cli', createLogger({ service: 'dlq-cli' }));
const topic = `${infra.topicPrefix}${deadLetterTopic(group as (typeof CONSUMER_GROUPS)[number])}`;
try {
  if (verb === 'list') {
    const letters = await listDeadLetters(infra.kafka, topic);
    for (const l of letters) {
      console.log(
        `${l.failedAt}  ${l.reason.padEnd(20)} ${l.source.topic}[${l.source.partition}]@${l.source.offset}  ${l.error}`,
      );
    }
    console.log(`${letters.length} dead letter(s) in ${topic}`);
  } else {
    const producer = new EventProducer(infra.kafka, infra.codec);
    await producer.connect();
    const count = await redriveGroup(infra, producer, group as (typeof CONSUMER_GROUPS)[number]);
    await producer.disconnect();
    console.log(`redrove ${count} dead letter(s) from ${topic}`);
  }
} finally {
  await infra.db.destroy();
}
