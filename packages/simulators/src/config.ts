import { type Env, list, nonNegativeInt, parseEnv, port, text, url } from '@df/env';
import { z } from 'zod';
import type { WebhookAuth } from './aloware/types.ts';
import type { GhlSimulatorOptions } from './ghl/types.ts';
import type { TextingSimulatorOptions } from './texting/types.ts';

/** What the standalone simulators read (`npm run simulators`, or each one's own main); see .env.example. */
const ghlShape = {
  GHL_SIM_PORT: port(4010),
  GHL_SIM_HOST: text('127.0.0.1'),
  GHL_SIM_LOCATION_IDS: list(),
  GHL_SIM_PIT: text(),
  GHL_SIM_CLIENT_ID: text(),
  GHL_SIM_CLIENT_SECRET: text(),
  GHL_SIM_WEBHOOK_URL: url(undefined),
  GHL_SIM_PROVIDER_WEBHOOK_URL: url(undefined),
  GHL_SIM_PROVIDER_ID: text(),
  GHL_SIM_ED25519_PRIVATE_KEY: text(),
  GHL_SIM_RSA_PRIVATE_KEY: text(),
  GHL_SIM_LATENCY_MS: nonNegativeInt(0, 'milliseconds'),
};
const alowareShape = {
  ALOWARE_SIM_PORT: port(4020),
  ALOWARE_SIM_HOST: text('127.0.0.1'),
  ALOWARE_API_TOKEN: text(),
  ALOWARE_WEBHOOK_URL: url(undefined),
  ALOWARE_WEBHOOK_BASIC_USER: text(),
  ALOWARE_WEBHOOK_BASIC_PASS: text(),
  ALOWARE_WEBHOOK_BEARER_TOKEN: text(),
};
const textingShape = {
  TEXTING_SIM_PORT: port(4030),
  TEXTING_SIM_HOST: text('127.0.0.1'),
  TEXTING_API_KEY: text(),
  TEXTING_WEBHOOK_URL: url(undefined),
  TEXTING_WEBHOOK_HMAC_SECRET: text(),
  TEXTING_WEBHOOK_SHARED_SECRET: text(),
};

// A pair, or neither: one key alone would sign with a generated other half nobody can verify against.
function refineSigningKeys(env: Record<string, unknown>, ctx: z.RefinementCtx) {
  const [ed, rsa] = [env.GHL_SIM_ED25519_PRIVATE_KEY, env.GHL_SIM_RSA_PRIVATE_KEY];
  if ((ed === undefined) !== (rsa === undefined)) {
    const missing = ed === undefined ? 'GHL_SIM_ED25519_PRIVATE_KEY' : 'GHL_SIM_RSA_PRIVATE_KEY';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'required with the other signing key' });
  }
}

const GhlSimEnv = z.object(ghlShape).superRefine(refineSigningKeys);
const AlowareSimEnv = z.object(alowareShape);
const TextingSimEnv = z.object(textingShape);

/** All three at once, so `npm run simulators` refuses before starting any of them. */
export const SimulatorsEnv = z
  .object({ ...ghlShape, ...alowareShape, ...textingShape })
  .superRefine(refineSigningKeys);

export function checkSimulatorsEnv(env: Env): void {
  parseEnv(SimulatorsEnv, env);
}

export function ghlSimOptions(env: Env): GhlSimulatorOptions {
  const e = parseEnv(GhlSimEnv, env);
  return {
    port: e.GHL_SIM_PORT,
    host: e.GHL_SIM_HOST,
    ...(e.GHL_SIM_LOCATION_IDS.length > 0 && { locationIds: e.GHL_SIM_LOCATION_IDS }),
    pitToken: e.GHL_SIM_PIT,
    ...(e.GHL_SIM_CLIENT_ID &&
      e.GHL_SIM_CLIENT_SECRET && {
        oauthClient: { clientId: e.GHL_SIM_CLIENT_ID, clientSecret: e.GHL_SIM_CLIENT_SECRET },
      }),
    webhookUrl: e.GHL_SIM_WEBHOOK_URL,
    providerWebhookUrl: e.GHL_SIM_PROVIDER_WEBHOOK_URL,
    conversationProviderId: e.GHL_SIM_PROVIDER_ID,
    ...(e.GHL_SIM_ED25519_PRIVATE_KEY &&
      e.GHL_SIM_RSA_PRIVATE_KEY && {
        signingKeys: {
          ed25519PrivatePem: e.GHL_SIM_ED25519_PRIVATE_KEY,
          rsaPrivatePem: e.GHL_SIM_RSA_PRIVATE_KEY,
        },
      }),
    latencyMs: e.GHL_SIM_LATENCY_MS,
  };
}

export function alowareSimOptions(env: Env) {
  const e = parseEnv(AlowareSimEnv, env);
  const webhookAuth: WebhookAuth = e.ALOWARE_WEBHOOK_BEARER_TOKEN
    ? { type: 'bearer', token: e.ALOWARE_WEBHOOK_BEARER_TOKEN }
    : e.ALOWARE_WEBHOOK_BASIC_USER
      ? {
          type: 'basic',
          username: e.ALOWARE_WEBHOOK_BASIC_USER,
          password: e.ALOWARE_WEBHOOK_BASIC_PASS ?? '',
        }
      : { type: 'none' };
  return {
    port: e.ALOWARE_SIM_PORT,
    host: e.ALOWARE_SIM_HOST,
    apiToken: e.ALOWARE_API_TOKEN,
    webhookUrl: e.ALOWARE_WEBHOOK_URL,
    webhookAuth,
  };
}

export function textingSimOptions(env: Env): TextingSimulatorOptions {
  const e = parseEnv(TextingSimEnv, env);
  return {
    port: e.TEXTING_SIM_PORT,
    host: e.TEXTING_SIM_HOST,
    apiKey: e.TEXTING_API_KEY,
    webhookUrl: e.TEXTING_WEBHOOK_URL,
    signing: { hmacSecret: e.TEXTING_WEBHOOK_HMAC_SECRET, sharedSecret: e.TEXTING_WEBHOOK_SHARED_SECRET },
  };
}
