import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { commandDataFromForm } from './command-forms.ts';
import type { ConsoleConfig } from './config.ts';
import type { ConsoleDeps } from './deps.ts';
import type { SafeHtml } from './html.ts';
import { HttpError, readForm, validate } from './http.ts';
import { commandsBody } from './pages/commands.ts';
import { deadLettersBody, parkedBody } from './pages/failures.ts';
import { healthBody } from './pages/health.ts';
import { layout, loginPage, type PageContext } from './pages/layout.ts';
import { ledgerBody, timelineBody } from './pages/ledger.ts';
import { Group, LedgerParams, PersonParams } from './queries.ts';
import { csrfTokenOf, issueSession, SESSION_COOKIE, SESSION_MAX_AGE_MS, secretsEqual } from './session.ts';
import { refuseWhileThrottled, type SignInThrottle } from './sign-in-throttle.ts';
import { OFFERED_COMMANDS, publishCommand, recentCommands } from './sources/commands.ts';
import { deadLettersOf, parkedKeysOf, redrive, releaseParked } from './sources/failures.ts';
import { personTimeline, searchLedger } from './sources/ledger.ts';
import { readPipelineHealth } from './sources/pipeline.ts';

/** What a redirect after a POST may announce: fixed texts, so a link cannot make the console say anything. */
const NOTICES: Record<string, (n: string) => string> = {
  redriven: (n) => `Redrove ${n} dead letter(s): they are back on their source topics.`,
  released: () => 'Released: a running member of the group tries its records now, in order.',
  not_parked: () => 'That key is not parked any more.',
  requested: (id) => `Command ${id} published on commands.v1.`,
};

const query = (ctx: Context) => ctx.query as Record<string, string | undefined>;

export function registerPageRoutes(
  router: Router,
  deps: ConsoleDeps,
  config: ConsoleConfig,
  { now, throttle }: { now: () => number; throttle: SignInThrottle },
) {
  const token = config.operatorToken;
  const csrfOf = (ctx: Context) => csrfTokenOf(ctx.cookies.get(SESSION_COOKIE) ?? '', token);
  const pageContext = (ctx: Context): PageContext => {
    const notice = NOTICES[query(ctx).done ?? ''];
    return { csrf: csrfOf(ctx), path: ctx.path, notice: notice && { text: notice(query(ctx).n ?? '') } };
  };
  const send = (ctx: Context, body: SafeHtml) => {
    ctx.type = 'text/html';
    ctx.set('cache-control', 'no-store');
    ctx.body = body.value;
  };
  /** A form post: SameSite=Strict keeps the cookie off other sites' requests, the token proves the form is ours. */
  const postedForm = async (ctx: Context) => {
    const form = await readForm(ctx);
    if (!secretsEqual(form.csrf ?? '', csrfOf(ctx)))
      throw new HttpError(403, 'csrf', 'the form expired: reload the page');
    return form;
  };
  /** Renders a page; a refused query shows the page's form (`form`) with the reason, as a 400. */
  const page =
    (
      title: string,
      render: (ctx: Context, p: PageContext) => Promise<SafeHtml>,
      form?: (ctx: Context) => SafeHtml,
    ) =>
    async (ctx: Context) => {
      const p = pageContext(ctx);
      try {
        send(ctx, layout(title, p, await render(ctx, p)));
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 400 || !form) throw error;
        ctx.status = 400;
        send(ctx, layout(title, { ...p, notice: { text: error.message, error: true } }, form(ctx)));
      }
    };

  router.get('/login', (ctx) => send(ctx, loginPage()));
  router.post('/login', async (ctx) => {
    refuseWhileThrottled(ctx, throttle, now());
    const form = await readForm(ctx);
    if (!secretsEqual(form.token ?? '', token)) {
      throttle.failed(ctx.ip, now());
      deps.log.warn('console sign-in refused', { reason: 'bad_credentials' });
      ctx.status = 401;
      return send(ctx, loginPage('That is not the operator token.'));
    }
    ctx.cookies.set(SESSION_COOKIE, issueSession(token, now()), {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.secureCookie,
      maxAge: SESSION_MAX_AGE_MS,
      overwrite: true,
    });
    ctx.redirect('/');
  });
  router.post('/logout', async (ctx) => {
    await postedForm(ctx);
    ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', maxAge: 0 });
    ctx.redirect('/login');
  });

  router.get(
    '/',
    page('Pipeline health', async () => healthBody(await readPipelineHealth(deps, config.services))),
  );
  router.get(
    '/ledger',
    page('Ledger', async (ctx) => {
      const q = query(ctx);
      const searched = Object.values(q).some(Boolean);
      return ledgerBody(
        q,
        searched
          ? await searchLedger(deps.db, validate(LedgerParams, q))
          : await searchLedger(deps.db, validate(LedgerParams, {})),
      );
    }),
  );
  router.get(
    '/timeline',
    page(
      'Person',
      async (ctx) => {
        const q = query(ctx);
        if (!q.phone && !q.contactId) return timelineBody(q, null);
        const params = validate(PersonParams, q);
        return timelineBody(q, await personTimeline(deps.db, params, params));
      },
      (ctx) => timelineBody(query(ctx), null),
    ),
  );
  router.get(
    '/dead-letters',
    page('Dead letters', async (ctx, p) => {
      const group = validate(Group.default('contact-sync'), query(ctx).group);
      return deadLettersBody(group, await deadLettersOf(deps, group), p.csrf);
    }),
  );
  router.post('/dead-letters/redrive', async (ctx) => {
    const form = await postedForm(ctx);
    const group = validate(Group, form.group);
    const filter = {
      ...(form.offset ? { offsets: [validate(z.string().regex(/^\d+$/), form.offset)] } : {}),
      ...(form.reason ? { reason: form.reason } : {}),
      ...(form.sourceTopic ? { sourceTopic: form.sourceTopic } : {}),
    };
    const n = await redrive(deps, group, filter);
    ctx.redirect(`/dead-letters?group=${group}&done=redriven&n=${n}`);
  });
  router.get(
    '/parked',
    page('Parked keys', async (ctx, p) => {
      const group = validate(Group.default('contact-sync'), query(ctx).group);
      return parkedBody(group, await parkedKeysOf(deps, group), p.csrf);
    }),
  );
  router.post('/parked/release', async (ctx) => {
    const form = await postedForm(ctx);
    const group = validate(Group, form.group);
    const released = await releaseParked(deps, group, form.ref ?? '');
    ctx.redirect(`/parked?group=${group}&done=${released ? 'released' : 'not_parked'}`);
  });
  router.get(
    '/commands',
    page('Commands', async (_ctx, p) => commandsBody(await recentCommands(deps, 50), p.csrf)),
  );
  router.post('/commands', async (ctx) => {
    const form = await postedForm(ctx);
    const type = validate(z.enum(OFFERED_COMMANDS), form.type);
    const data = commandDataFromForm(type, form);
    const command = await publishCommand(deps, { type, data, requestedBy: 'console' }).catch((error) => {
      if (error?.name !== 'ZodError') throw error;
      const issue = error.issues?.[0];
      throw new HttpError(400, 'invalid_command', `${issue?.path?.join('.') ?? 'data'}: ${issue?.message}`);
    });
    ctx.redirect(`/commands?done=requested&n=${command.id}`);
  });
}
