import type { ConsumerObserver } from '@df/kafka';
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  METRICS_PREFIX,
  MetricsRegistry,
  metricName,
} from '@df/telemetry';
import { type PipelineState, readPipelineState, type WatchedGroup } from './pipeline-state.ts';

// The application prefix (`df_`) is defined once, in @df/telemetry; re-exported for the services' tests.
export { METRICS_PREFIX };

/**
 * The metrics every consumer service shares, on one registry per process: events handled, skipped, retried
 * and dead-lettered per group and type, handler time, and the calls made to the tools (with the time spent
 * waiting for their rate limits).
 */
export function createServiceMetrics(
  registry = new MetricsRegistry(),
  options: { processMetrics?: boolean } = {},
) {
  // CPU, memory, event-loop lag, handles: once per process (the all-in-one serves one registry of them).
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  const pipeline = pipelineGauges(registry);
  const handled = new Counter({
    name: metricName('consumer_events_handled_total'),
    help: 'Events a consumer group handled, by group and event type',
    labelNames: ['group', 'type'] as const,
    registers: [registry],
  });
  const skipped = new Counter({
    name: metricName('consumer_events_skipped_total'),
    help: 'Events a group has no handler for',
    labelNames: ['group', 'type'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: metricName('consumer_retries_total'),
    help: 'Retriable failures, each followed by a backoff',
    labelNames: ['group'] as const,
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: metricName('consumer_dead_letters_total'),
    help: 'Records sent to the dead-letter topic, by group and reason',
    labelNames: ['group', 'reason'] as const,
    registers: [registry],
  });
  const parks = new Counter({
    name: metricName('consumer_parked_total'),
    help: 'Records parked (their key spent its retry budget, or waits behind such a record), by group and reason',
    labelNames: ['group', 'reason'] as const,
    registers: [registry],
  });
  const paused = new Gauge({
    name: metricName('consumer_auth_paused'),
    help: '1 while a group is paused because a tool refuses our credentials',
    labelNames: ['group'] as const,
    registers: [registry],
  });
  const handlerSeconds = new Histogram({
    name: metricName('consumer_handler_seconds'),
    help: 'Time a handler took',
    labelNames: ['group'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const apiCalls = new Counter({
    name: metricName('tool_api_calls_total'),
    help: 'Calls to a tool API, by tool, operation and HTTP status (0 = no answer)',
    labelNames: ['tool', 'operation', 'status'] as const,
    registers: [registry],
  });
  const apiSeconds = new Histogram({
    name: metricName('tool_api_seconds'),
    help: 'Tool API call time, rate-limit waits excluded',
    labelNames: ['tool', 'operation'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const rateLimitWait = new Counter({
    name: metricName('tool_rate_limit_wait_seconds_total'),
    help: 'Time spent waiting for a tool rate limit (including Retry-After pauses)',
    labelNames: ['tool'] as const,
    registers: [registry],
  });

  const ghlDaily = new Gauge({
    name: metricName('ghl_daily_budget_remaining'),
    help: "GHL requests left today for the location, as GHL's X-RateLimit-Daily-Remaining last reported it",
    registers: [registry],
  });
  const ghlDailyLimit = new Gauge({
    name: metricName('ghl_daily_budget_limit'),
    help: "GHL's daily request limit for the location (X-RateLimit-Limit-Daily); alert on remaining / limit",
    registers: [registry],
  });

  return {
    registry,
    /** Adds a running group to the lag, dead-letter and parking gauges (`defineConsumer` calls it). */
    watch: pipeline.watch,
    /** Hooks for the consumer runner's observer option. */
    consumer(group: string): ConsumerObserver {
      return {
        handled: (_record, type, ms) => {
          handled.inc({ group, type });
          handlerSeconds.observe({ group }, ms / 1000);
        },
        skipped: (_record, type) => skipped.inc({ group, type }),
        retrying: () => retries.inc({ group }),
        deadLettered: (_record, reason) => deadLetters.inc({ group, reason }),
        parked: (_record, reason) => parks.inc({ group, reason }),
        paused: () => paused.set({ group }, 1),
        resumed: () => paused.set({ group }, 0),
      };
    },
    /** For the GHL client's `onCall` option. */
    ghlCall(info: {
      operation: string;
      status: number | undefined;
      durationMs: number;
      waitedMs: number;
      daily?: { limit: number; remaining: number };
    }) {
      apiCalls.inc({ tool: 'ghl', operation: info.operation, status: String(info.status ?? 0) });
      apiSeconds.observe(
        { tool: 'ghl', operation: info.operation },
        Math.max(0, info.durationMs - info.waitedMs) / 1000,
      );
      if (info.waitedMs > 0) rateLimitWait.inc({ tool: 'ghl' }, info.waitedMs / 1000);
      if (info.daily) {
        ghlDaily.set(info.daily.remaining);
        ghlDailyLimit.set(info.daily.limit);
      }
    },
  };
}

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;

/**
 * Gauges read from Kafka and Postgres when scraped, for the groups this process runs: lag per group, topic and
 * partition, dead letters not redriven, parked keys and records. One read per scrape, shared by the gauges.
 */
function pipelineGauges(registry: MetricsRegistry) {
  const groups: WatchedGroup[] = [];
  let current: { at: number; state: Promise<PipelineState> } | undefined;
  const state = () => {
    if (!current || Date.now() - current.at > 1000) {
      current = { at: Date.now(), state: readPipelineState(groups) };
    }
    return current.state;
  };
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, s: PipelineState) => void,
  ) =>
    new Gauge<L>({
      name: metricName(name),
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        if (groups.length === 0) return;
        // Kafka or Postgres away: the series disappear (absent() alerts) instead of repeating stale numbers.
        const s = await state().catch(() => undefined);
        if (s) fill(this, s);
      },
    });
  gauge(
    'consumer_lag',
    'Records a consumer group has not committed yet, by topic and partition',
    ['group', 'topic', 'partition'],
    (g, s) => {
      for (const row of s.lag)
        g.set({ group: row.group, topic: row.topic, partition: String(row.partition) }, row.lag);
    },
  );
  gauge(
    'dead_letters_pending',
    "Records in a group's dead-letter topic past what a redrive went through (npm run dlq -- list)",
    ['group'],
    (g, s) => {
      for (const row of s.deadLetterBacklog) g.set({ group: row.group }, row.records);
    },
  );
  gauge(
    'parked_keys',
    'Keys parked after spending their retry budget (npm run parked -- list)',
    ['group'],
    (g, s) => {
      for (const row of s.parked) g.set({ group: row.group }, row.keys);
    },
  );
  gauge('parked_records', 'Records waiting behind parked keys', ['group'], (g, s) => {
    for (const row of s.parked) g.set({ group: row.group }, row.records);
  });
  return {
    watch(group: WatchedGroup) {
      if (!groups.some((g) => g.group === group.group)) groups.push(group);
    },
  };
}
