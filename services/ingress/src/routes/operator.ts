import { randomUUID } from 'node:crypto';
import { Command, TOPICS, toE164 } from '@df/contracts';
import { traceHeaders } from '@df/kafka';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { verifyOperatorToken } from '../auth/operator.ts';
import type { DurablePublisher } from '../durability/durable-publisher.ts';
import { readJsonBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { correlationIdOf } from './deliveries.ts';
import { noteEventTypes, tracedRoute } from './traced.ts';

export interface OperatorDeps {
  operatorToken: string | undefined;
  bodyLimitBytes: number;
  publisher: DurablePublisher;
  defaultTenant: string;
  topicPrefix: string;
}

/**
 * Operator requests never act directly: they become commands on `commands.v1`, which the services consume
 * like any other event (so they are ordered, audited and replayable).
 */
async function publishCommand(ctx: Context, deps: OperatorDeps, fields: Record<string, unknown>) {
  const parsed = Command.safeParse({
    id: randomUUID(),
    requestedAt: new Date().toISOString(),
    requestedBy: 'operator-api',
    correlationId: correlationIdOf(ctx),
    tenant: deps.defaultTenant,
    ...fields,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, 'invalid_command', `${issue?.path.join('.') || 'command'}: ${issue?.message}`);
  }
  const command = parsed.data;
  noteEventTypes([command.type]);
  const outcome = await deps.publisher.accept({
    source: 'operator',
    topic: `${deps.topicPrefix}${TOPICS.commands}`,
    records: [
      {
        key: `${command.tenant}:${command.type}`,
        value: command,
        headers: {
          'x-correlation-id': command.correlationId,
          'x-event-type': command.type,
          ...traceHeaders(),
        },
      },
    ],
  });
  ctx.status = 202;
  ctx.body = {
    command: { id: command.id, type: command.type },
    durable: outcome === 'published' ? 'kafka' : outcome === 'spooled' ? 'spool' : outcome,
  };
}

/** The seed's `POST /sync/contacts?alowareContactId=…` (also `ghlContactId=` or `phone=`). */
async function syncContact(ctx: Context, deps: OperatorDeps) {
  const q = ctx.query as Record<string, string | undefined>;
  let target: Record<string, string>;
  if (q.alowareContactId) target = { by: 'aloware_id', alowareContactId: q.alowareContactId };
  else if (q.ghlContactId) target = { by: 'ghl_id', ghlContactId: q.ghlContactId };
  else if (q.phone) {
    const phone = toE164(q.phone);
    if (!phone) throw new HttpError(400, 'invalid_command', 'phone is not a valid phone number');
    target = { by: 'phone', phone };
  } else throw new HttpError(400, 'invalid_command', 'give alowareContactId, ghlContactId or phone');
  await publishCommand(ctx, deps, {
    type: 'contact.sync_requested',
    tenant: q.tenant ?? deps.defaultTenant,
    data: { target },
  });
}

/** The seed's `POST /sync/lists?tagName=…`. */
async function syncList(ctx: Context, deps: OperatorDeps) {
  const q = ctx.query as Record<string, string | undefined>;
  if (!q.tagName) throw new HttpError(400, 'invalid_command', 'give tagName');
  await publishCommand(ctx, deps, {
    type: 'list.rebuild_requested',
    tenant: q.tenant ?? deps.defaultTenant,
    data: { target: { by: 'tag', tag: q.tagName }, ...(q.mode ? { mode: q.mode } : {}) },
  });
}

/** Any command, as JSON: `{ "type": "...", "tenant"?: "...", "data": { ... } }`. */
async function anyCommand(ctx: Context, deps: OperatorDeps) {
  const { json } = await readJsonBody(ctx, deps.bodyLimitBytes);
  const body = (json ?? {}) as Record<string, unknown>;
  await publishCommand(ctx, deps, {
    type: body.type,
    tenant: body.tenant ?? deps.defaultTenant,
    data: body.data,
  });
}

export function registerOperatorRoutes(router: Router, deps: OperatorDeps) {
  const authenticated =
    (handler: (ctx: Context, deps: OperatorDeps) => Promise<void>) => async (ctx: Context) => {
      verifyOperatorToken(ctx.get('authorization') || undefined, deps.operatorToken);
      await handler(ctx, deps);
    };
  const route = (path: string, handler: (ctx: Context, deps: OperatorDeps) => Promise<void>) =>
    router.post(path, tracedRoute(path, 'operator', authenticated(handler)));
  route('/sync/contacts', syncContact);
  route('/sync/lists', syncList);
  route('/commands', anyCommand);
}
