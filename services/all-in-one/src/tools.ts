import { randomBytes } from 'node:crypto';
import type { GhlApiSettings } from '@df/env';
import {
  type AlowareSimulator,
  type GhlSigningKeys,
  type GhlSimulator,
  startAlowareSimulator,
  startGhlSimulator,
  startTextingSimulator,
  type TextingSimulator,
} from '@df/simulators';

/** Where the three tools are: real ones from credentials, or the built-in simulators standing in. */
export interface ToolEndpoints {
  ghl: GhlApiSettings & { webhookPublicKey?: string; webhookLegacyPublicKey?: string };
  aloware: { baseUrl: string; apiToken: string };
  texting: { baseUrl: string; apiKey: string };
}

/** How the simulated GHL is called: its PIT, or its OAuth app with tokens stored under `encryptionKey`. */
export type SimulatedGhlAuth = { type: 'pit' } | { type: 'oauth'; encryptionKey?: string };

export interface Simulators {
  ghl: GhlSimulator;
  aloware: AlowareSimulator;
  texting: TextingSimulator;
  /** Points every simulator's webhooks at the ingress, with the credentials the ingress expects. */
  connect(
    ingressUrl: string,
    auth: { alowareUser: string; alowarePass: string; textingSecret: string },
  ): void;
  close(): Promise<void>;
}

/** Starts the three simulators (random ports unless given) with fresh credentials. */
export interface SimulatorOptions {
  latencyMs?: number;
  ports?: { ghl?: number; aloware?: number; texting?: number };
  /** Sign GHL webhooks with these keys (tests that forge deliveries need the private halves). */
  ghlSigningKeys?: GhlSigningKeys;
}

export async function startSimulators(options: SimulatorOptions = {}) {
  const secret = () => randomBytes(12).toString('hex');
  const ghl = await startGhlSimulator({
    port: options.ports?.ghl ?? 0,
    pitToken: `pit-${secret()}`,
    latencyMs: options.latencyMs,
    signingKeys: options.ghlSigningKeys,
  });
  const aloware = await startAlowareSimulator({
    port: options.ports?.aloware ?? 0,
    apiToken: secret(),
    latencyMs: options.latencyMs,
    // Ids unique per start: the projections in Postgres outlive a simulator and must not mistake a new
    // simulated person for one of an earlier run.
    idOffset: (Date.now() % 1_000_000_000) * 1000,
  });
  const texting = await startTextingSimulator({
    port: options.ports?.texting ?? 0,
    apiKey: secret(),
    latencyMs: options.latencyMs,
  });
  const simulators: Simulators = {
    ghl,
    aloware,
    texting,
    connect(ingressUrl, auth) {
      ghl.setWebhookUrl(`${ingressUrl}/webhooks/ghl`);
      ghl.setProviderWebhookUrl(`${ingressUrl}/webhooks/ghl/provider`);
      aloware.setWebhook(`${ingressUrl}/webhooks/aloware`, {
        type: 'basic',
        username: auth.alowareUser,
        password: auth.alowarePass,
      });
      texting.setWebhook(`${ingressUrl}/webhooks/texting`);
      texting.setSigning({ hmacSecret: auth.textingSecret });
    },
    async close() {
      await Promise.all([ghl.close(), aloware.close(), texting.close()]);
    },
  };
  const endpoints: ToolEndpoints = {
    ghl: {
      baseUrl: ghl.url,
      locationId: ghl.locationId,
      auth: { type: 'pit', token: ghl.pitToken },
      webhookPublicKey: ghl.publicKeys.ed25519Pem,
      webhookLegacyPublicKey: ghl.publicKeys.rsaPem,
    },
    aloware: { baseUrl: aloware.url, apiToken: String(aloware.apiToken) },
    texting: { baseUrl: texting.url, apiKey: texting.apiKey },
  };
  return { simulators, endpoints };
}

/**
 * The simulated GHL called with its OAuth app instead of its PIT (`GHL_AUTH=oauth` without real credentials):
 * no token exists until the app is installed through the ingress's `/oauth/callback`, as with the real GHL.
 */
export function withSimulatedGhlAuth(
  started: { simulators: Simulators; endpoints: ToolEndpoints },
  auth: SimulatedGhlAuth,
): ToolEndpoints {
  const { endpoints, simulators } = started;
  if (auth.type === 'pit') return endpoints;
  const encryptionKey = auth.encryptionKey ?? randomBytes(32).toString('base64');
  const app = simulators.ghl.oauthClient;
  return { ...endpoints, ghl: { ...endpoints.ghl, auth: { type: 'oauth', ...app, encryptionKey } } };
}
