import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { verifyAlowareAuth } from '../auth/aloware.ts';
import type { GhlVerifier } from '../auth/ghl-signature.ts';
import { verifyTextingAuth } from '../auth/texting-signature.ts';
import { type IngressConfig, isAllowedAlowareEvent } from '../config.ts';
import { readJsonBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { normalizeAloware } from '../normalizers/aloware.ts';
import { id } from '../normalizers/fields.ts';
import { normalizeGhl } from '../normalizers/ghl.ts';
import { normalizeGhlProvider, providerDeliveryKey } from '../normalizers/ghl-provider.ts';
import { normalizeTexting } from '../normalizers/texting.ts';
import { acceptDelivery, type DeliveryDeps } from './deliveries.ts';
import { tracedRoute } from './traced.ts';

export interface WebhookDeps extends DeliveryDeps {
  config: IngressConfig;
  ghlVerifier: GhlVerifier;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A normalizer refusing the body's shape is the sender's error: 400 with the reason, nothing published. */
function normalizeOr400<T>(normalize: () => T): T {
  try {
    return normalize();
  } catch (error) {
    throw new HttpError(400, 'invalid_payload', (error as Error).message);
  }
}

async function alowareWebhook(ctx: Context, deps: WebhookDeps) {
  // Credentials first: an unauthenticated caller learns nothing about body limits or parsing.
  verifyAlowareAuth(ctx.get('authorization') || undefined, deps.config.aloware);
  const { json } = await readJsonBody(ctx, deps.config.bodyLimitBytes);
  if (!isObject(json)) throw new HttpError(400, 'invalid_payload', 'expected a JSON object');
  // "Test & Validate" in Aloware's UI sends this; it must succeed and change nothing.
  if (json.test_payload === true) {
    deps.metrics.ignored.inc({ source: 'aloware', reason: 'test_payload' });
    ctx.body = { accepted: 0, test: true };
    return;
  }
  const eventName = typeof json.event === 'string' ? json.event : '';
  if (!isAllowedAlowareEvent(eventName, deps.config.aloware.allowedEvents)) {
    deps.metrics.ignored.inc({ source: 'aloware', reason: 'filtered' });
    ctx.body = { accepted: 0, filtered: true };
    return;
  }
  const drafts = normalizeOr400(() =>
    normalizeAloware(json, {
      timeZone: deps.config.aloware.timeZone,
      defaultTenant: deps.config.aloware.defaultTenant,
      deliveryId: randomUUID(),
    }),
  );
  await acceptDelivery(ctx, deps, 'aloware', drafts, json);
}

/** Both GHL routes: signature over the raw bytes, then the timestamp window (see each route for absence). */
async function verifiedGhlBody(
  ctx: Context,
  deps: WebhookDeps,
  timestamp: { optional: boolean },
): Promise<Record<string, unknown>> {
  const { json } = await readJsonBody(ctx, deps.config.bodyLimitBytes, (raw) =>
    deps.ghlVerifier.verify(raw, {
      ghlSignature: ctx.get('x-ghl-signature') || undefined,
      legacySignature: ctx.get('x-wh-signature') || undefined,
    }),
  );
  deps.ghlVerifier.checkTimestamp(json, timestamp);
  if (!isObject(json)) throw new HttpError(400, 'invalid_payload', 'expected a JSON object');
  return json;
}

/** App webhooks always carry `timestamp` and `webhookId`: one without a timestamp is refused (replay). */
async function ghlWebhook(ctx: Context, deps: WebhookDeps) {
  const json = await verifiedGhlBody(ctx, deps, { optional: false });
  const drafts = normalizeOr400(() => normalizeGhl(json));
  await acceptDelivery(ctx, deps, 'ghl', drafts, json);
}

/**
 * GHL's provider deliveries (an agent's message for us to send) carry neither `timestamp` nor `webhookId`, so
 * no window can expire them: each message id is accepted once, ever (the replay guard), so a captured
 * delivery replayed later cannot send the text again.
 */
async function ghlProviderWebhook(ctx: Context, deps: WebhookDeps) {
  const json = await verifiedGhlBody(ctx, deps, { optional: true });
  const drafts = normalizeOr400(() => normalizeGhlProvider(json));
  // The normalizer refused a delivery without a message id, so there is one here.
  const messageId = id(json.messageId)!;
  await acceptDelivery(ctx, deps, 'ghl', drafts, json, { replayGuard: providerDeliveryKey(messageId) });
}

async function textingWebhook(ctx: Context, deps: WebhookDeps) {
  const { json } = await readJsonBody(ctx, deps.config.bodyLimitBytes, (raw) =>
    verifyTextingAuth(
      raw,
      {
        signature: ctx.get('x-texting-signature') || undefined,
        timestamp: ctx.get('x-texting-timestamp') || undefined,
        sharedSecret: ctx.get('x-texting-secret') || undefined,
      },
      deps.config.texting,
    ),
  );
  if (!isObject(json)) throw new HttpError(400, 'invalid_payload', 'expected a JSON object');
  const drafts = normalizeOr400(() =>
    normalizeTexting(json, { defaultTenant: deps.config.texting.defaultTenant }),
  );
  await acceptDelivery(ctx, deps, 'texting', drafts, json);
}

export function registerWebhookRoutes(router: Router, deps: WebhookDeps) {
  const route = (path: string, source: string, handle: (ctx: Context, deps: WebhookDeps) => Promise<void>) =>
    router.post(
      path,
      tracedRoute(path, source, (ctx) => handle(ctx, deps)),
    );
  route('/webhooks/aloware', 'aloware', alowareWebhook);
  route('/webhooks/ghl', 'ghl', ghlWebhook);
  route('/webhooks/ghl/provider', 'ghl', ghlProviderWebhook);
  route('/webhooks/texting', 'texting', textingWebhook);
}
