export {
  type IngressConfig,
  ingressConfig,
  ingressEnvShape,
  loadIngressSettings,
  refineIngressEnv,
  toIngressConfig,
} from './config.ts';
export { type RunningIngress, startIngress } from './server.ts';
