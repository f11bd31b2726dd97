export { createLogger, type Logger, type LogLevel } from './logger.ts';
export { maskFields, maskText } from './mask.ts';
export { Registry as MetricsRegistry, Counter, Histogram, Gauge } from 'prom-client';
