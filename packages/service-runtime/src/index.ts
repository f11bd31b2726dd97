export { connectInfrastructure, type Infrastructure, infrastructureFromEnv } from './infrastructure.ts';
export { type OutcomeInput, OutcomeReporter } from './outcomes.ts';
export { provisionEventBus } from './provision.ts';
export { topicSchemas } from './topic-schemas.ts';
