export { Counter, collectDefaultMetrics, Gauge, Histogram, Registry as MetricsRegistry } from 'prom-client';
export { createLogger, type Logger, type LogLevel } from './logger.ts';
export { describeError, maskFields, maskText } from './mask.ts';
export { METRICS_PREFIX, metricName } from './metric-names.ts';
