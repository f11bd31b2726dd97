export { connectInfrastructure, type Infrastructure, infrastructureFromEnv } from './infrastructure.ts';
export { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
export { type OutcomeInput, OutcomeReporter } from './outcomes.ts';
export { provisionEventBus } from './provision.ts';
export { topicSchemas } from './topic-schemas.ts';
