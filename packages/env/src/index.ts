export {
  type GhlApiSettings,
  type GhlAppSettings,
  type GhlAuthSettings,
  ghlApiEnv,
  ghlAppEnv,
  ghlCredentialNames,
  requireGhlCredentials,
  toGhlApiSettings,
} from './ghl.ts';
export {
  type GhlAndAlowareSettings,
  ghlAndAlowareEnv,
  requireGhlAndAloware,
  toGhlAndAlowareSettings,
} from './ghl-and-aloware.ts';
export { type InfrastructureEnv, infrastructureEnv, toInfrastructure } from './infrastructure.ts';
export { ConfigError, type Env, loadOrExit, parseEnv } from './load.ts';
export {
  aes256Key,
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
export { alowareApiEnv, requireSet, textingApiEnv } from './tools.ts';
