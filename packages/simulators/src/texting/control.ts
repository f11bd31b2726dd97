/** Control plane of the texting simulator under `/__sim` (not part of the texting system's API). */
import { Router } from '@koa/router';
import type Koa from 'koa';
import { CONTROL_PREFIX, commonControl, jsonBody, run } from '../kit/index.ts';
import type { TextingSigning, TextingSimulator } from './types.ts';

export function textingControl(getSim: () => TextingSimulator): Koa.Middleware {
  const router = new Router({ prefix: CONTROL_PREFIX });
  commonControl(router, getSim);
  router.get('/state', (ctx) => {
    const sim = getSim();
    ctx.body = { messages: sim.messages(), optedOut: sim.optedOut() };
  });
  router.post('/webhook', (ctx) =>
    run(ctx, 204, () => getSim().setWebhook(jsonBody(ctx).url as string | undefined)),
  );
  router.post('/signing', (ctx) => run(ctx, 204, () => getSim().setSigning(jsonBody(ctx) as TextingSigning)));
  router.post('/inbound', (ctx) =>
    run(ctx, 200, () =>
      getSim().receiveInbound(
        jsonBody(ctx) as { from: string; to: string; body: string; mediaUrls?: string[] },
      ),
    ),
  );
  router.post('/platform-send', (ctx) =>
    run(ctx, 200, () =>
      getSim().sendFromPlatform(jsonBody(ctx) as { from: string; to: string; body: string }),
    ),
  );
  router.post('/settle', (ctx) => {
    const { chatMessageId, outcome } = jsonBody(ctx) as {
      chatMessageId: string;
      outcome: 'delivered' | 'failed';
    };
    run(ctx, 204, () => getSim().settle(chatMessageId, outcome));
  });
  router.post('/opt-out', (ctx) => run(ctx, 204, () => getSim().optOut(String(jsonBody(ctx).phone ?? ''))));
  router.post('/opt-in', (ctx) => run(ctx, 204, () => getSim().optIn(String(jsonBody(ctx).phone ?? ''))));
  router.post('/fail-delivery', (ctx) => {
    const { phone, errorCode, errorMessage } = jsonBody(ctx) as {
      phone: string;
      errorCode?: string;
      errorMessage?: string;
    };
    run(ctx, 204, () =>
      getSim().failDeliveryTo(phone, errorCode ? { errorCode, errorMessage: errorMessage ?? '' } : undefined),
    );
  });
  return router.routes() as Koa.Middleware;
}
