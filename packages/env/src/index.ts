export { type InfrastructureEnv, infrastructureEnv, toInfrastructure } from './infrastructure.ts';
export { ConfigError, type Env, loadOrExit, parseEnv } from './load.ts';
export {
  bool,
  brokers,
  list,
  nonNegativeInt,
  oneOf,
  port,
  positiveInt,
  publicKeyPem,
  requiredUrl,
  type Setting,
  text,
  timeZone,
  url,
} from './settings.ts';
export { alowareApiEnv, ghlApiEnv, requireSet, textingApiEnv } from './tools.ts';
