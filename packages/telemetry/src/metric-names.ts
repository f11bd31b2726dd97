/**
 * The application prefix of every metric the system exposes (`df_consumer_lag`, `df_ingress_requests_total`,
 * the process metrics too): they sort together and cannot collide with another exporter's on a shared
 * Prometheus. Alert rules and the dashboard (deploy/) name them with it.
 */
export const METRICS_PREFIX = 'df_';

/** A metric's full name: every metric is declared through this, never with a bare name. */
export const metricName = (name: string) => `${METRICS_PREFIX}${name}`;
