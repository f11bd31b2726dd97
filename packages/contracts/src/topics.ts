import type { EventSource } from './scalars.ts';

export const TOPICS = {
  aloware: 'aloware.events.v1',
  ghl: 'ghl.events.v1',
  texting: 'texting.events.v1',
  commands: 'commands.v1',
  outcomes: 'sync.outcomes.v1',
  /** contact-sync's mappings (`contact.mapped`), for services that need to know who is who in both tools. */
  contactMappings: 'contact-sync.mappings.v1',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const CONSUMER_GROUPS = [
  'contact-sync',
  'call-sync',
  'list-sync',
  'messaging-relay',
  'audit',
  // Marks a location's OAuth connection unusable when GHL reports the app uninstalled.
  'ghl-app',
  // Upstream backfill and reconciliation (services/backfill): pages the tools and publishes snapshots.
  'backfill',
  // Operator jobs (services/replay): projection rebuilds, replays with side effects, dead-letter redrives.
  'replay',
] as const;
export type ConsumerGroup = (typeof CONSUMER_GROUPS)[number];

export function deadLetterTopic(group: ConsumerGroup): `${ConsumerGroup}.dlq` {
  return `${group}.dlq`;
}

/**
 * A group's own replay topic: copies of records an operator asked that group alone to apply again, with side
 * effects (`replay.requested`, `mode: with_side_effects`), under replay-scoped ids.
 */
export function replayTopic(group: ConsumerGroup): `${ConsumerGroup}.replay` {
  return `${group}.replay`;
}

/** Same shape as `@df/kafka`'s `TopicDeclaration`, which provisions them. */
export interface TopicDeclaration {
  name: string;
  partitions: number;
  configs?: Record<string, string>;
}

// Kafka is the source of truth and projections are rebuilt from it, so nothing may expire.
const KEEP_FOREVER = { 'retention.ms': '-1', 'cleanup.policy': 'delete' };

export const TOPIC_DECLARATIONS: TopicDeclaration[] = [
  ...Object.values(TOPICS).map((name) => ({ name, partitions: 6, configs: KEEP_FOREVER })),
  // One partition keeps dead letters in failure order, which is the order an operator redrives them in.
  ...CONSUMER_GROUPS.map((group) => ({ name: deadLetterTopic(group), partitions: 1, configs: KEEP_FOREVER })),
  // One partition is enough: the runner works on different keys concurrently whatever the partition count.
  ...CONSUMER_GROUPS.map((group) => ({ name: replayTopic(group), partitions: 1, configs: KEEP_FOREVER })),
];

export function topicForSource(source: Exclude<EventSource, 'operator'>): TopicName {
  return TOPICS[source];
}

/** Confluent TopicNameStrategy subject for record values. */
export function subjectFor(topic: string): string {
  return `${topic}-value`;
}
