export { type IngressConfig, ingressConfig } from './config.ts';
export { type RunningIngress, startIngress } from './server.ts';
