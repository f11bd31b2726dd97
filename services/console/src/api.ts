import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ConsoleDeps } from './deps.ts';
import { HttpError, Page, readJson, validate } from './http.ts';
import { CommandRequest, GroupPage, LedgerParams, PersonParams, RedriveFilter } from './queries.ts';
import { publishCommand, recentCommands } from './sources/commands.ts';
import { deadLettersOf, parkedKeysOf, redrive, releaseParked } from './sources/failures.ts';
import { personTimeline, searchLedger } from './sources/ledger.ts';
import { readPipelineHealth } from './sources/pipeline.ts';

export interface ApiOptions {
  services: Array<{ name: string; url: string }>;
}

const paged = <T>(items: T[], page: { limit: number; offset: number }) => ({
  items: items.slice(page.offset, page.offset + page.limit),
  total: items.length,
  nextOffset: items.length > page.offset + page.limit ? page.offset + page.limit : null,
});

/**
 * The read API (`/api/v1`, JSON, bearer OPERATOR_TOKEN checked before these run): what the console shows, for
 * scripts. Lists take limit and offset and answer `nextOffset` (null on the last page).
 */
export function registerApiRoutes(router: Router, deps: ConsoleDeps, options: ApiOptions) {
  const json = (handler: (ctx: Context) => Promise<unknown>) => async (ctx: Context) => {
    ctx.body = await handler(ctx);
    ctx.set('cache-control', 'no-store');
  };
  router.get(
    '/api/v1/health',
    json(() => readPipelineHealth(deps, options.services)),
  );
  router.get(
    '/api/v1/ledger',
    json((ctx) => searchLedger(deps.db, validate(LedgerParams, ctx.query))),
  );
  router.get(
    '/api/v1/timeline',
    json((ctx) => {
      const q = validate(PersonParams, ctx.query);
      return personTimeline(deps.db, q, q);
    }),
  );
  router.get(
    '/api/v1/dead-letters/:group',
    json(async (ctx) => {
      const q = validate(GroupPage, { ...ctx.query, group: ctx.params.group });
      return paged(await deadLettersOf(deps, q.group), q);
    }),
  );
  router.post(
    '/api/v1/dead-letters/:group/redrive',
    json(async (ctx) => {
      const { group } = validate(GroupPage.pick({ group: true }), ctx.params);
      const filter = validate(RedriveFilter, await readJson(ctx));
      return { redriven: await redrive(deps, group, filter) };
    }),
  );
  router.get(
    '/api/v1/parked/:group',
    json(async (ctx) => {
      const q = validate(GroupPage, { ...ctx.query, group: ctx.params.group });
      return paged(await parkedKeysOf(deps, q.group), q);
    }),
  );
  router.post(
    '/api/v1/parked/:group/:ref/release',
    json(async (ctx) => {
      const { group } = validate(GroupPage.pick({ group: true }), ctx.params);
      if (!(await releaseParked(deps, group, String(ctx.params.ref))))
        throw new HttpError(404, 'not_parked', 'no parked key of this group has that ref');
      return { released: true };
    }),
  );
  router.get(
    '/api/v1/commands',
    json(async (ctx) => {
      const q = validate(Page, ctx.query);
      return paged(await recentCommands(deps, q.offset + q.limit + 1), q);
    }),
  );
  router.post(
    '/api/v1/commands',
    json(async (ctx) => {
      const request = validate(CommandRequest, await readJson(ctx));
      const command = await publishCommand(deps, { ...request, requestedBy: 'console-api' }).catch(
        (error) => {
          if (error?.name === 'ZodError')
            throw new HttpError(
              400,
              'invalid_command',
              `${error.issues?.[0]?.path?.join('.') ?? 'data'}: ${error.issues?.[0]?.message ?? 'invalid'}`,
            );
          throw error;
        },
      );
      ctx.status = 202;
      return { id: command.id, type: command.type, correlationId: command.correlationId };
    }),
  );
}
