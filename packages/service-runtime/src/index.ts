export {
  type ConsumerContext,
  type ConsumerSpec,
  type ConsumerTuning,
  type DefinedConsumer,
  defineConsumer,
  type RunningServiceConsumer,
} from './consumer-definition.ts';
export { connectInfrastructure, type Infrastructure, infrastructureFromEnv } from './infrastructure.ts';
export { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
export { type OutcomeInput, OutcomeReporter } from './outcomes.ts';
export { PgParkingStore } from './parking-store.ts';
export { provisionEventBus } from './provision.ts';
export { topicSchemas } from './topic-schemas.ts';
