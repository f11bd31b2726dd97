import { GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY } from './auth/ghl-signature.ts';

export interface IngressConfig {
  port: number;
  host: string;
  bodyLimitBytes: number;
  aloware: {
    basicUser?: string;
    basicPass?: string;
    bearerToken?: string;
    /** Exact event names and `Prefix-*` patterns; empty = every event. */
    allowedEvents: string[];
    timeZone: string;
    defaultTenant: string;
  };
  ghl: {
    ed25519PublicKey: string;
    rsaPublicKey: string;
    acceptLegacyRsa: boolean;
    maxSkewMs: number;
  };
  texting: {
    signingSecrets: string[];
    sharedSecret?: string;
    maxSkewMs: number;
    defaultTenant: string;
  };
  operatorToken?: string;
  publishTimeoutMs: number;
  /** Prepended to every topic name: isolates tests and lets several environments share one cluster. */
  topicPrefix: string;
  /** How long delivery receipts (redelivery detection) are kept. */
  receiptRetentionDays: number;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Reads the ingress settings from the environment (names documented in .env.example). */
export function ingressConfig(env: NodeJS.ProcessEnv = process.env): IngressConfig {
  return {
    port: Number(env.INGRESS_PORT ?? env.PORT ?? 3000),
    host: env.INGRESS_HOST ?? '127.0.0.1',
    bodyLimitBytes: Number(env.INGRESS_BODY_LIMIT_BYTES ?? 1024 * 1024),
    aloware: {
      basicUser: env.ALOWARE_WEBHOOK_BASIC_USER || undefined,
      basicPass: env.ALOWARE_WEBHOOK_BASIC_PASS || undefined,
      bearerToken: env.ALOWARE_WEBHOOK_BEARER_TOKEN || undefined,
      allowedEvents: list(env.ALOWARE_WEBHOOK_ALLOWED_EVENTS),
      timeZone: env.ALOWARE_TIME_ZONE ?? 'UTC',
      defaultTenant: env.ALOWARE_COMPANY_ID ?? 'aloware',
    },
    ghl: {
      ed25519PublicKey: env.GHL_WEBHOOK_PUBLIC_KEY ?? GHL_ED25519_PUBLIC_KEY,
      rsaPublicKey: env.GHL_WEBHOOK_LEGACY_PUBLIC_KEY ?? GHL_RSA_PUBLIC_KEY,
      acceptLegacyRsa: env.GHL_WEBHOOK_ACCEPT_LEGACY !== 'false',
      maxSkewMs: Number(env.GHL_WEBHOOK_MAX_SKEW_SECONDS ?? 300) * 1000,
    },
    texting: {
      signingSecrets: list(env.TEXTING_WEBHOOK_SIGNING_SECRETS),
      sharedSecret: env.TEXTING_WEBHOOK_SHARED_SECRET || undefined,
      maxSkewMs: Number(env.TEXTING_WEBHOOK_MAX_SKEW_SECONDS ?? 300) * 1000,
      defaultTenant: env.TEXTING_ACCOUNT_ID ?? 'texting',
    },
    operatorToken: env.OPERATOR_TOKEN || undefined,
    publishTimeoutMs: Number(env.INGRESS_PUBLISH_TIMEOUT_MS ?? 5000),
    topicPrefix: env.TOPIC_PREFIX ?? '',
    receiptRetentionDays: Number(env.INGRESS_RECEIPT_RETENTION_DAYS ?? 7),
  };
}

/** `ALOWARE_WEBHOOK_ALLOWED_EVENTS` semantics of the seed: exact names, or `Prefix-*` for every name it starts. */
export function isAllowedAlowareEvent(name: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  return allowed.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );
}
