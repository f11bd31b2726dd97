import { Counter, Gauge, Histogram, MetricsRegistry, metricName } from '@df/telemetry';

/** The ingress's Prometheus metrics (`df_ingress_*`), on a registry of its own so several instances can live in one process. */
export function createIngressMetrics() {
  const registry = new MetricsRegistry();
  return {
    registry,
    requests: new Counter({
      name: metricName('ingress_requests_total'),
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    authFailures: new Counter({
      name: metricName('ingress_auth_failures_total'),
      help: 'Refused requests by route and reason',
      labelNames: ['route', 'reason'] as const,
      registers: [registry],
    }),
    accepted: new Counter({
      name: metricName('ingress_events_accepted_total'),
      help: 'Events accepted, by source and how they were made durable (published, spooled, set_aside)',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    ignored: new Counter({
      name: metricName('ingress_deliveries_ignored_total'),
      help: 'Deliveries acknowledged without publishing: test payloads, filtered events, duplicates',
      labelNames: ['source', 'reason'] as const,
      registers: [registry],
    }),
    publishLatency: new Histogram({
      name: metricName('ingress_publish_seconds'),
      help: 'Time to make a delivery durable (Kafka ack or spool write)',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    spoolDepth: new Gauge({
      name: metricName('ingress_spool_depth'),
      help: 'Events waiting in the Postgres spool for Kafka',
      registers: [registry],
    }),
    oldestSpooledAge: new Gauge({
      name: metricName('ingress_spool_oldest_age_seconds'),
      help: 'Age of the oldest record waiting in the spool (0 when it is empty): alert when it keeps growing',
      registers: [registry],
    }),
    backlogLookups: new Counter({
      name: metricName('ingress_spool_backlog_lookups_total'),
      help: 'Per-key spool lookups (batched): made only while the spool is not known to be empty',
      registers: [registry],
    }),
    setAsideDepth: new Gauge({
      name: metricName('ingress_set_aside_depth'),
      help: 'Records set aside because they can never be published as they are (npm run spool -- list)',
      registers: [registry],
    }),
    setAside: new Counter({
      name: metricName('ingress_set_aside_total'),
      help: 'Records set aside, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}

export type IngressMetrics = ReturnType<typeof createIngressMetrics>;
