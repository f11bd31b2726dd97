import type { Database } from '@df/db';
import type { GhlAppSettings } from '@df/env';
import { isGhlError } from '@df/ghl-client';
import { completeGhlInstall } from '@df/ghl-store';
import type { Logger } from '@df/telemetry';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';

export interface OAuthCallbackDeps {
  app: GhlAppSettings;
  db: Kysely<Database>;
  log: Logger;
  /** Code exchanges per minute this process attempts; beyond, 429 (default 30). */
  exchangesPerMinute?: number;
}

// GHL's codes are opaque tokens (hex today); the bounds only keep junk and huge values away from GHL.
const CODE = /^[A-Za-z0-9._~-]{16,512}$/;
// GHL passes back the `state` of an authorize URL the operator built; installs from the marketplace have none.
const STATE = /^[A-Za-z0-9._~-]{1,512}$/;

/** One value or none: `?code=a&code=b` (an array) is refused rather than guessed at. */
const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Answers a person's browser (a small HTML page) or a script (JSON). The URL carries the code: no caching and
 * no Referer, so it is not copied anywhere; no script, nothing loaded.
 */
function answer(ctx: Context, status: number, result: { ok: boolean; message: string; locationId?: string }) {
  ctx.status = status;
  ctx.set('cache-control', 'no-store');
  ctx.set('referrer-policy', 'no-referrer');
  ctx.set('content-security-policy', "default-src 'none'");
  if (ctx.accepts('html', 'json') === 'json') {
    ctx.body = result;
    return;
  }
  const title = result.ok ? 'Installed' : 'Not installed';
  ctx.type = 'html';
  ctx.body = `<!doctype html><meta charset="utf-8"><title>DF Middleware: ${title}</title><h1>${title}</h1><p>${escapeHtml(result.message)}</p>`;
}

/** A fixed window per process: each attempt costs a call to GHL's token endpoint, so callers cannot spend them. */
function exchangeBudget(perMinute: number) {
  let windowStart = 0;
  let used = 0;
  return () => {
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      used = 0;
    }
    used += 1;
    return used <= perMinute ? 0 : Math.ceil((windowStart + 60_000 - now) / 1000);
  };
}

/**
 * `GET /oauth/callback?code=…`: GHL's redirect after the marketplace app was installed in a location. The code is
 * exchanged (with the app's secret, so a code of another app is worthless here) and the tokens stored encrypted,
 * where every service's GHL client finds them. Neither the code nor a token is ever logged or shown.
 */
export function registerOAuthCallbackRoute(router: Router, deps: OAuthCallbackDeps) {
  const spend = exchangeBudget(deps.exchangesPerMinute ?? 30);
  router.get('/oauth/callback', async (ctx) => {
    const code = single(ctx.query.code);
    const state = ctx.query.state;
    if (ctx.query.error !== undefined) {
      return answer(ctx, 400, { ok: false, message: 'The installation was cancelled or refused in GHL.' });
    }
    if (!code || !CODE.test(code) || (state !== undefined && !STATE.test(single(state) ?? ''))) {
      return answer(ctx, 400, { ok: false, message: 'This is not a GHL install link.' });
    }
    const waitSeconds = spend();
    if (waitSeconds > 0) {
      ctx.set('retry-after', String(waitSeconds));
      return answer(ctx, 429, { ok: false, message: 'Too many install attempts; try again in a minute.' });
    }
    try {
      const { locationId } = await completeGhlInstall({ db: deps.db, ...deps.app }, code);
      deps.log.info('ghl app installed', { locationId });
      return answer(ctx, 200, {
        ok: true,
        locationId,
        message: `DF Middleware is connected to GHL location ${locationId}.`,
      });
    } catch (error) {
      // The error's code and status only: its details may carry what GHL echoed back.
      if (isGhlError(error) && !error.retriable && error.code !== 'invalid_response') {
        deps.log.warn('ghl install code refused', { reason: error.code, status: error.status });
        return answer(ctx, 400, {
          ok: false,
          message: 'GHL refused this install code (expired or already used). Install the app again.',
        });
      }
      deps.log.error('ghl install failed', { reason: isGhlError(error) ? error.code : 'internal' });
      return answer(ctx, 502, { ok: false, message: 'GHL could not be reached; reload this page to retry.' });
    }
  });
}
