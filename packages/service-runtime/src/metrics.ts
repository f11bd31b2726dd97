import type { ConsumerObserver } from '@df/kafka';
import { Counter, Gauge, Histogram, MetricsRegistry } from '@df/telemetry';

/**
 * The metrics every consumer service shares, on one registry per process: events handled, skipped, retried
 * and dead-lettered per group and type, handler time, and the calls made to the tools (with the time spent
 * waiting for their rate limits).
 */
export function createServiceMetrics(registry = new MetricsRegistry()) {
  const handled = new Counter({
    name: 'consumer_events_handled_total',
    help: 'Events a consumer group handled, by group and event type',
    labelNames: ['group', 'type'] as const,
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'consumer_events_skipped_total',
    help: 'Events a group has no handler for',
    labelNames: ['group', 'type'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'consumer_retries_total',
    help: 'Retriable failures, each followed by a backoff',
    labelNames: ['group'] as const,
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'consumer_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by group and reason',
    labelNames: ['group', 'reason'] as const,
    registers: [registry],
  });
  const parks = new Counter({
    name: 'consumer_parked_total',
    help: 'Records parked (their key spent its retry budget, or waits behind such a record), by group and reason',
    labelNames: ['group', 'reason'] as const,
    registers: [registry],
  });
  const paused = new Gauge({
    name: 'consumer_auth_paused',
    help: '1 while a group is paused because a tool refuses our credentials',
    labelNames: ['group'] as const,
    registers: [registry],
  });
  const handlerSeconds = new Histogram({
    name: 'consumer_handler_seconds',
    help: 'Time a handler took',
    labelNames: ['group'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const apiCalls = new Counter({
    name: 'tool_api_calls_total',
    help: 'Calls to a tool API, by tool, operation and HTTP status (0 = no answer)',
    labelNames: ['tool', 'operation', 'status'] as const,
    registers: [registry],
  });
  const apiSeconds = new Histogram({
    name: 'tool_api_seconds',
    help: 'Tool API call time, rate-limit waits excluded',
    labelNames: ['tool', 'operation'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const rateLimitWait = new Counter({
    name: 'tool_rate_limit_wait_seconds_total',
    help: 'Time spent waiting for a tool rate limit (including Retry-After pauses)',
    labelNames: ['tool'] as const,
    registers: [registry],
  });

  const ghlDaily = new Gauge({
    name: 'ghl_daily_budget_remaining',
    help: "GHL requests left today for the location, as GHL's X-RateLimit-Daily-Remaining last reported it",
    registers: [registry],
  });
  const ghlDailyLimit = new Gauge({
    name: 'ghl_daily_budget_limit',
    help: "GHL's daily request limit for the location (X-RateLimit-Limit-Daily); alert on remaining / limit",
    registers: [registry],
  });

  return {
    registry,
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
