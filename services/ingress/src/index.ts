export { GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY } from './auth/ghl-signature.ts';
export { type IngressConfig, ingressConfig } from './config.ts';
export { type RunningIngress, startIngress } from './server.ts';
