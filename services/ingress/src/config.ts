import {
  bool,
  type Env,
  type GhlAppSettings,
  ghlAppEnv,
  ghlCredentialNames,
  type InfrastructureEnv,
  infrastructureEnv,
  list,
  parseEnv,
  port,
  positiveInt,
  publicKeyPem,
  requireSet,
  text,
  timeZone,
  toInfrastructure,
} from '@df/env';
import { z } from 'zod';
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
  /** The GHL marketplace app (`GHL_AUTH=oauth`): `/oauth/callback` is served only with it. */
  ghlApp: GhlAppSettings | null;
  publishTimeoutMs: number;
  /** Prepended to every topic name: isolates tests and lets several environments share one cluster. */
  topicPrefix: string;
  /** Largest Kafka record the ingress publishes; a bigger envelope gets its raw body set aside. */
  maxRecordBytes: number;
  /** Cap on the bytes of one spool drain batch. */
  spoolBatchBytes: number;
  /** Cap on the rows of one spool drain batch. */
  spoolBatchSize: number;
}

/** Every variable the ingress reads, with its default (the same list as .env.example's ingress part). */
export const ingressEnvShape = {
  ...infrastructureEnv,
  INGRESS_PORT: port(),
  // The name most hosting platforms set; INGRESS_PORT wins when both are present.
  PORT: port(3000),
  INGRESS_HOST: text('127.0.0.1'),
  INGRESS_BODY_LIMIT_BYTES: positiveInt(1024 * 1024, 'bytes'),
  // Under the broker's default max.message.bytes (1 MiB) with room for the record's own overhead.
  INGRESS_MAX_RECORD_BYTES: positiveInt(900_000, 'bytes'),
  INGRESS_SPOOL_BATCH_BYTES: positiveInt(4 * 1024 * 1024, 'bytes'),
  INGRESS_SPOOL_BATCH_SIZE: positiveInt(500),
  INGRESS_PUBLISH_TIMEOUT_MS: positiveInt(5000, 'milliseconds'),
  ALOWARE_WEBHOOK_BASIC_USER: text(),
  ALOWARE_WEBHOOK_BASIC_PASS: text(),
  ALOWARE_WEBHOOK_BEARER_TOKEN: text(),
  ALOWARE_WEBHOOK_ALLOWED_EVENTS: list(),
  ALOWARE_TIME_ZONE: timeZone('UTC'),
  ALOWARE_COMPANY_ID: text('aloware'),
  GHL_WEBHOOK_PUBLIC_KEY: publicKeyPem(GHL_ED25519_PUBLIC_KEY),
  GHL_WEBHOOK_LEGACY_PUBLIC_KEY: publicKeyPem(GHL_RSA_PUBLIC_KEY),
  GHL_WEBHOOK_ACCEPT_LEGACY: bool(true),
  GHL_WEBHOOK_MAX_SKEW_SECONDS: positiveInt(300, 'seconds'),
  TEXTING_WEBHOOK_SIGNING_SECRETS: list(),
  TEXTING_WEBHOOK_SHARED_SECRET: text(),
  TEXTING_WEBHOOK_MAX_SKEW_SECONDS: positiveInt(300, 'seconds'),
  TEXTING_ACCOUNT_ID: text('texting'),
  OPERATOR_TOKEN: text(),
  // The install callback exchanges codes at GHL_BASE_URL with the app's credentials and stores the tokens.
  ...ghlAppEnv,
};

type ParsedIngressEnv = z.output<z.ZodObject<typeof ingressEnvShape>>;

/** Rules across variables; exported so a process hosting the ingress applies them too. */
export function refineIngressEnv(env: ParsedIngressEnv, ctx: z.RefinementCtx) {
  // A drain batch always has room for the largest record, or that record could never leave the spool.
  if (env.INGRESS_SPOOL_BATCH_BYTES < env.INGRESS_MAX_RECORD_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['INGRESS_SPOOL_BATCH_BYTES'],
      message: `must be at least INGRESS_MAX_RECORD_BYTES (${env.INGRESS_MAX_RECORD_BYTES})`,
    });
  }
}

export const IngressEnv = z.object(ingressEnvShape).superRefine((env, ctx) => {
  refineIngressEnv(env, ctx);
  // The ingress needs no location: an install names its own. (The all-in-one process decides this itself, since
  // its simulated GHL brings its own app.)
  if (env.GHL_AUTH === 'oauth') {
    const names = ghlCredentialNames('oauth').filter((name) => name !== 'GHL_LOCATION_ID');
    requireSet(env, ctx, names, 'with GHL_AUTH=oauth (the ingress serves /oauth/callback)');
  }
});

/** The ingress process's settings: its own, and the servers it is wired to. */
export interface IngressSettings {
  config: IngressConfig;
  infrastructure: InfrastructureEnv;
}

/** Parses the ingress's environment once; throws a ConfigError naming every refused variable. */
export function loadIngressSettings(env: Env): IngressSettings {
  const parsed = parseEnv(IngressEnv, env);
  return { config: toIngressConfig(parsed), infrastructure: toInfrastructure(parsed) };
}

/** The parsed variables under the names the ingress's code uses. */
export function toIngressConfig(e: ParsedIngressEnv): IngressConfig {
  return {
    port: e.INGRESS_PORT ?? e.PORT,
    host: e.INGRESS_HOST,
    bodyLimitBytes: e.INGRESS_BODY_LIMIT_BYTES,
    aloware: {
      basicUser: e.ALOWARE_WEBHOOK_BASIC_USER,
      basicPass: e.ALOWARE_WEBHOOK_BASIC_PASS,
      bearerToken: e.ALOWARE_WEBHOOK_BEARER_TOKEN,
      allowedEvents: e.ALOWARE_WEBHOOK_ALLOWED_EVENTS,
      timeZone: e.ALOWARE_TIME_ZONE,
      defaultTenant: e.ALOWARE_COMPANY_ID,
    },
    ghl: {
      ed25519PublicKey: e.GHL_WEBHOOK_PUBLIC_KEY,
      rsaPublicKey: e.GHL_WEBHOOK_LEGACY_PUBLIC_KEY,
      acceptLegacyRsa: e.GHL_WEBHOOK_ACCEPT_LEGACY,
      maxSkewMs: e.GHL_WEBHOOK_MAX_SKEW_SECONDS * 1000,
    },
    texting: {
      signingSecrets: e.TEXTING_WEBHOOK_SIGNING_SECRETS,
      sharedSecret: e.TEXTING_WEBHOOK_SHARED_SECRET,
      maxSkewMs: e.TEXTING_WEBHOOK_MAX_SKEW_SECONDS * 1000,
      defaultTenant: e.TEXTING_ACCOUNT_ID,
    },
    operatorToken: e.OPERATOR_TOKEN,
    ghlApp:
      e.GHL_AUTH === 'oauth' && e.GHL_CLIENT_ID && e.GHL_CLIENT_SECRET && e.GHL_TOKEN_ENCRYPTION_KEY
        ? {
            baseUrl: e.GHL_BASE_URL,
            clientId: e.GHL_CLIENT_ID,
            clientSecret: e.GHL_CLIENT_SECRET,
            encryptionKey: e.GHL_TOKEN_ENCRYPTION_KEY,
          }
        : null,
    publishTimeoutMs: e.INGRESS_PUBLISH_TIMEOUT_MS,
    topicPrefix: e.TOPIC_PREFIX,
    maxRecordBytes: e.INGRESS_MAX_RECORD_BYTES,
    spoolBatchBytes: e.INGRESS_SPOOL_BATCH_BYTES,
    spoolBatchSize: e.INGRESS_SPOOL_BATCH_SIZE,
  };
}

/** The ingress's own settings from an environment (tests, and the all-in-one process). */
export function ingressConfig(env: Env): IngressConfig {
  return loadIngressSettings(env).config;
}

/** `ALOWARE_WEBHOOK_ALLOWED_EVENTS` semantics of the seed: exact names, or `Prefix-*` for every name it starts. */
export function isAllowedAlowareEvent(name: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  return allowed.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );
}
