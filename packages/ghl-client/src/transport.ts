/**
 * One GHL request, done right: the location's rate limiter around every attempt, a 429 waits for `Retry-After`
 * (or a window) and retries without limit by default (never dropped), a 401 refreshes the OAuth token once,
 * 5xx / network / timeout are retried `retries` times with backoff only on idempotent operations (non-idempotent
 * ones surface the error so the caller's intent record decides), and the answer is parsed by its zod schema.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  errorForAnswer,
  isSuccess,
  isToolError,
  parseAnswer,
  retryAfterMs,
  sendRequest,
  type ToolAnswer,
  ToolError,
} from '@df/tool-http';
import type { z } from 'zod';
import { readErrorBody } from './errors.ts';
import type { DailyBudget, GhlRateLimiter } from './limiter.ts';
import type { AccessTokens } from './oauth.ts';

export interface Operation {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  version: string;
  idempotent: boolean;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
}

export interface GhlCallInfo {
  operation: string;
  method: string;
  status: number | undefined;
  durationMs: number;
  /** Time spent waiting for the rate limiter (including Retry-After pauses). */
  waitedMs: number;
  attempts: number;
  errorCode?: string;
  /** The location's daily budget as GHL last reported it (a gauge). */
  daily?: DailyBudget;
}

export interface TransportOptions {
  baseUrl: string;
  locationId: string;
  tokens: AccessTokens;
  limiter: GhlRateLimiter;
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  maxRateLimitRetries: number;
  onCall?: (info: GhlCallInfo) => void;
  /** Called once each time the daily budget falls below `dailyAlertRatio` of its limit. */
  onDailyBudgetLow?: (daily: DailyBudget) => void;
  dailyAlertRatio: number;
  fetch?: typeof fetch;
}

export type Call = <S extends z.ZodType>(op: Operation, schema: S) => Promise<z.infer<S>>;

export function createTransport(options: TransportOptions): Call {
  const { limiter, tokens, locationId } = options;
  let dailyLow = false;
  const watchDaily = () => {
    const daily = limiter.daily;
    if (!daily || !options.onDailyBudgetLow) return;
    const low = daily.remaining < daily.limit * options.dailyAlertRatio;
    if (low && !dailyLow) options.onDailyBudgetLow(daily);
    dailyLow = low;
  };

  return async function call<S extends z.ZodType>(op: Operation, schema: S): Promise<z.infer<S>> {
    const ctx = { tool: 'ghl', operation: op.name, locationId } as const;
    const started = Date.now();
    const state = { waited: 0, attempts: 0, rateLimited: 0, failures: 0, refreshed: false };
    let status: number | undefined;
    const url = new URL(options.baseUrl + op.path);
    for (const [k, v] of Object.entries(op.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const body = op.body === undefined ? undefined : JSON.stringify(op.body);
    const report = (errorCode?: string) => {
      watchDaily();
      options.onCall?.({
        operation: op.name,
        method: op.method,
        status,
        durationMs: Date.now() - started,
        waitedMs: state.waited,
        attempts: state.attempts,
        ...(errorCode && { errorCode }),
        ...(limiter.daily && { daily: limiter.daily }),
      });
    };
    const fail = (error: unknown): never => {
      report(isToolError(error) ? error.code : 'network');
      throw error;
    };
    const mayRetry = async (error: ToolError) => {
      if (!error.retriable || !op.idempotent || state.failures >= options.retries) return false;
      const delay = options.retryBaseDelayMs * 2 ** state.failures;
      state.failures += 1;
      await sleep(delay + Math.random() * delay * 0.3);
      return true;
    };

    for (;;) {
      let token: string;
      try {
        token = await tokens.current();
      } catch (error) {
        return fail(error);
      }
      const grant = await limiter.acquire({ priority: state.rateLimited > 0 });
      state.waited += grant.waitedMs;
      state.attempts += 1;
      let answer: ToolAnswer;
      try {
        answer = await sendRequest({
          ...ctx,
          url,
          method: op.method,
          headers: {
            authorization: `Bearer ${token}`,
            version: op.version,
            accept: 'application/json',
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          body,
          timeoutMs: options.timeoutMs,
          fetch: options.fetch,
          resendCount: state.attempts - 1,
        });
      } catch (error) {
        await grant.release();
        if (isToolError(error) && (await mayRetry(error))) continue;
        return fail(error);
      }
      await grant.release(answer.headers);
      status = answer.status;

      if (answer.status === 429 && state.rateLimited < options.maxRateLimitRetries) {
        state.rateLimited += 1;
        // Every caller of the budget waits (the pause is counted in `waited` by the next acquire).
        await limiter.pause(retryAfterMs(answer.headers.get('retry-after')) ?? limiter.limits.intervalMs);
        continue;
      }
      if (answer.status === 401 && tokens.refreshable && !state.refreshed) {
        state.refreshed = true;
        try {
          await tokens.refresh(token);
        } catch (error) {
          return fail(error);
        }
        continue;
      }
      if (!isSuccess(answer)) {
        const error = errorForAnswer(answer, ctx, readErrorBody(answer.json));
        if (await mayRetry(error)) continue;
        return fail(error);
      }
      try {
        const result = parseAnswer(schema, answer, ctx, { emptyBody: {} });
        report();
        return result;
      } catch (error) {
        return fail(
          error instanceof ToolError ? error : new ToolError('invalid_response', { ...ctx, status }),
        );
      }
    }
  };
}
