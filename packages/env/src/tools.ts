import type { z } from 'zod';
import { requiredUrl, text, url } from './settings.ts';

/** The tools' API settings, shared by the services that call them (documented in .env.example; GHL's: ghl.ts). */
export const alowareApiEnv = {
  ALOWARE_API_TOKEN: text(),
  ALOWARE_BASE_URL: requiredUrl('https://app.aloware.com'),
};

export const textingApiEnv = {
  TEXTING_BASE_URL: url(undefined),
  TEXTING_API_KEY: text(),
};

/** Adds an issue for each of `names` that is unset, saying why it is needed. */
export function requireSet(
  env: Record<string, unknown>,
  ctx: z.RefinementCtx,
  names: readonly string[],
  why: string,
): void {
  for (const name of names) {
    if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `required ${why}` });
  }
}
