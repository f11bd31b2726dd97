/**
 * The simulator's control plane under `/__sim` (not part of Aloware): lets a separate process — the stack's
 * local default, an end-to-end test, a developer with curl — drive and inspect a standalone simulator.
 */
import { Router } from '@koa/router';
import type Koa from 'koa';
import { CONTROL_PREFIX, commonControl, jsonBody, run } from '../kit/control.ts';
import type { AlowareSimulator, InboundCallInput, OutboundCallInput } from './simulator-types.ts';
import type { LeadFields, WebhookAuth } from './types.ts';

function contactKey(sim: AlowareSimulator, key: string): string | number {
  return /^\d+$/.test(key) && sim.contact(Number(key)) ? Number(key) : key;
}

export function alowareControl(getSim: () => AlowareSimulator): Koa.Middleware {
  const router = new Router({ prefix: CONTROL_PREFIX });
  commonControl(router, getSim);
  router.get('/state', (ctx) => {
    const sim = getSim();
    ctx.body = {
      contacts: sim.contacts(),
      lists: sim.lists(),
      tags: sim.tags(),
      users: sim.users(),
      sentSms: sim.sentSms,
    };
  });
  router.post('/webhook', (ctx) => {
    const { url, auth } = jsonBody(ctx) as { url?: string; auth?: WebhookAuth };
    run(ctx, 204, () => getSim().setWebhook(url, auth));
  });
  router.post('/contacts', (ctx) =>
    run(ctx, 201, () => getSim().createContact(jsonBody(ctx) as LeadFields & { phone_number: string })),
  );
  router.patch('/contacts/:key', (ctx) =>
    run(ctx, 200, () =>
      getSim().updateContact(contactKey(getSim(), ctx.params.key!), jsonBody(ctx) as LeadFields),
    ),
  );
  router.post('/contacts/:key/dnc', (ctx) =>
    run(ctx, 200, () =>
      getSim().setDnc(contactKey(getSim(), ctx.params.key!), Boolean(jsonBody(ctx).isDnc ?? true)),
    ),
  );
  router.post('/contacts/:key/disposition', (ctx) =>
    run(ctx, 200, () =>
      getSim().disposeContact(
        contactKey(getSim(), ctx.params.key!),
        Number(jsonBody(ctx).dispositionStatusId),
      ),
    ),
  );
  router.post('/lists', (ctx) =>
    run(ctx, 201, () =>
      getSim().createList(jsonBody(ctx) as { id?: number; name: string; userId?: number | null }),
    ),
  );
  router.post('/calls/outbound', (ctx) =>
    run(ctx, 200, () => getSim().placeOutboundCall(jsonBody(ctx) as unknown as OutboundCallInput)),
  );
  router.post('/calls/inbound', (ctx) =>
    run(ctx, 200, () => getSim().receiveInboundCall(jsonBody(ctx) as unknown as InboundCallInput)),
  );
  router.post('/sms/inbound', (ctx) =>
    run(ctx, 200, () => getSim().receiveSms(jsonBody(ctx) as { from: string; to?: string; body: string })),
  );
  router.post('/sms/fail-to', (ctx) =>
    run(ctx, 204, () => getSim().failSmsTo(String(jsonBody(ctx).phone ?? ''))),
  );
  router.post('/appointments', (ctx) =>
    run(ctx, 200, () =>
      getSim().bookAppointment(jsonBody(ctx) as { contactPhone: string; title: string; userId?: number }),
    ),
  );
  router.post('/users/:id/status', (ctx) =>
    run(ctx, 204, () => getSim().setUserStatus(Number(ctx.params.id), Number(jsonBody(ctx).agentStatus))),
  );
  router.post('/test-payload', (ctx) => run(ctx, 204, () => getSim().sendTestPayload()));
  return router.routes() as Koa.Middleware;
}
