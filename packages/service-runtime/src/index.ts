export {
  type ConsumerContext,
  type ConsumerSpec,
  type ConsumerTuning,
  type DefinedConsumer,
  defineConsumer,
  type RunningServiceConsumer,
} from './consumer-definition.ts';
export { connectInfrastructure, type Infrastructure, infrastructureFromEnv } from './infrastructure.ts';
export { createServiceMetrics, METRICS_PREFIX, type ServiceMetrics } from './metrics.ts';
export {
  bearerMatches,
  checkReadiness,
  type OpsServerOptions,
  type ReadinessChecks,
  type RunningOpsServer,
  startOpsServer,
} from './ops-server.ts';
export {
  type ClusterCredentials,
  loadOpsSettings,
  loadSettings,
  type OpsSettings,
  opsEnv,
  PRODUCTION_ADDRESSES,
} from './ops-settings.ts';
export { type OutcomeInput, OutcomeReporter } from './outcomes.ts';
export { PgParkingStore } from './parking-store.ts';
export { type PipelineState, readPipelineState, type WatchedGroup } from './pipeline-state.ts';
export { provisionEventBus } from './provision.ts';
export {
  loadInfrastructureSettings,
  loadProvisionSettings,
  partitionsEnv,
  provisionAll,
} from './provisioning.ts';
export { type RedriveEnvironment, redriveGroup } from './redrive.ts';
export { runService, type ServiceContext, type ServiceDefinition } from './run-service.ts';
export { infrastructureReadiness, OPS_PORTS, serveOps } from './serve-ops.ts';
export { topicSchemas } from './topic-schemas.ts';
