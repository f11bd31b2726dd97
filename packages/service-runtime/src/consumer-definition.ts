import { type ConsumerGroup, deadLetterTopic as deadLetterTopicOf, replayTopic } from '@df/contracts';
import {
  type BatchHandler,
  type ConsumerObserver,
  type HandlerMap,
  type RetryBudget,
  type RunningConsumer,
  startConsumer,
} from '@df/kafka';
import type { Logger } from '@df/telemetry';
import { combineObservers, loggingObserver } from './consumer-log.ts';
import type { Infrastructure } from './infrastructure.ts';
import type { ServiceMetrics } from './metrics.ts';
import { OutcomeReporter } from './outcomes.ts';
import { PgParkingStore } from './parking-store.ts';

/** What a service's dependencies are built from: the infrastructure and its group's outcome reporter. */
export interface ConsumerContext {
  infra: Infrastructure;
  report: OutcomeReporter['report'];
  log: Logger;
}

/** Tuning a deployment (or a test) may change without touching what the service consumes. */
export interface ConsumerTuning {
  retry?: Partial<RetryBudget>;
  maxConcurrency?: number;
  parkedRetryIntervalMs?: number;
  pauseProbeMs?: number;
}

export interface ConsumerSpec<E extends { type: string }, D> extends ConsumerTuning {
  /** The consumer group, unprefixed: also the service name in outcomes and logs. */
  group: ConsumerGroup;
  /** Unprefixed topic names. */
  topics: readonly string[];
  parse: (value: unknown) => E;
  handlers?: HandlerMap<E, D>;
  batchHandler?: BatchHandler<E, D>;
  deps: (context: ConsumerContext) => D;
}

export interface RunningServiceConsumer {
  consumer: RunningConsumer;
  reporter: OutcomeReporter;
  /** Stops the consumer (see `RunningConsumer.stop`), then its outcome producer. */
  stop(deadlineMs?: number): Promise<void>;
}

export interface DefinedConsumer {
  group: string;
  start(
    infra: Infrastructure,
    options?: { metrics?: ServiceMetrics; tuning?: ConsumerTuning },
  ): Promise<RunningServiceConsumer>;
}

/**
 * A service declares what it consumes; this owns the wiring every service used to repeat: topic and group
 * prefixes, the dead-letter topic, the parking table, metrics and log lines, and the outcome reporter.
 */
export function defineConsumer<E extends { type: string }, D>(spec: ConsumerSpec<E, D>): DefinedConsumer {
  return {
    group: spec.group,
    async start(infra, options = {}) {
      const p = infra.topicPrefix;
      const log = infra.log.child({ service: spec.group });
      const reporter = new OutcomeReporter(infra, spec.group);
      const deps = spec.deps({ infra, log, report: (cause, outcome) => reporter.report(cause, outcome) });
      const tuning = { ...spec, ...options.tuning };
      options.metrics?.watch({
        group: `${p}${spec.group}`,
        topics: spec.topics.map((t) => `${p}${t}`),
        deadLetterTopic: `${p}${deadLetterTopicOf(spec.group)}`,
        kafka: infra.kafka,
        db: infra.db,
      });
      const observer: ConsumerObserver = combineObservers(
        loggingObserver(log),
        options.metrics?.consumer(spec.group),
      );
      // Its own replay topic too: copies an operator asked this group alone to apply again (with side effects).
      const topics = [...spec.topics, replayTopic(spec.group)].map((t) => `${p}${t}`);
      const consumer = await startConsumer<E, D>({
        kafka: infra.kafka,
        codec: infra.codec,
        groupId: `${p}${spec.group}`,
        deadLetterTopic: `${p}${deadLetterTopicOf(spec.group)}`,
        topics,
        parse: spec.parse,
        ...(spec.handlers ? { handlers: spec.handlers } : {}),
        ...(spec.batchHandler ? { batchHandler: spec.batchHandler } : {}),
        deps,
        parking: new PgParkingStore(infra.db),
        ...(tuning.retry ? { retry: tuning.retry } : {}),
        ...(tuning.maxConcurrency ? { maxConcurrency: tuning.maxConcurrency } : {}),
        ...(tuning.parkedRetryIntervalMs ? { parkedRetryIntervalMs: tuning.parkedRetryIntervalMs } : {}),
        ...(tuning.pauseProbeMs ? { pauseProbeMs: tuning.pauseProbeMs } : {}),
        observer,
      }).catch(async (error: unknown) => {
        // Services never create topics: say which are missing and what to run instead of kafkajs's "does not
        // host this topic" (a deployment older than the replay topics misses only those).
        if ((error as { type?: unknown }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
        const missing = await missingTopics(infra.kafka, topics).catch(() => topics);
        throw new Error(
          `${spec.group}: topics missing (${missing.join(', ')}): run \`npm run provision\` first`,
          {
            cause: error,
          },
        );
      });
      return {
        consumer,
        reporter,
        async stop(deadlineMs) {
          await consumer.stop(deadlineMs);
          await reporter.close();
        },
      };
    },
  };
}

async function missingTopics(kafka: Infrastructure['kafka'], topics: string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    return topics.filter((t) => !existing.has(t));
  } finally {
    await admin.disconnect();
  }
}
