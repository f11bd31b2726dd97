export {
  type IngressConfig,
  ingressConfig,
  ingressEnvShape,
  loadIngressSettings,
  refineIngressEnv,
  toIngressConfig,
} from './config.ts';
export { GHL_APP_GROUP, handleAppUninstalled, startGhlAppLifecycle } from './ghl-app/lifecycle.ts';
export { type RunningIngress, startIngress } from './server.ts';
