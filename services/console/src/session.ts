import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A signed-in browser keeps this cookie: when it was issued and a MAC of that under the operator token. */
export const SESSION_COOKIE = 'df_console';
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

const mac = (token: string, purpose: string, value: string) =>
  createHmac('sha256', token).update(`${purpose}:${value}`).digest('base64url');

/** Constant time, hashed first so neither the content nor the length of the expected value leaks. */
export function secretsEqual(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected)) && expected.length > 0;
}

/** `Authorization: Bearer <token>` of the read API. */
export function bearerIsValid(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  return presented !== undefined && secretsEqual(presented, token);
}

export function issueSession(token: string, nowMs: number): string {
  return `${nowMs}.${mac(token, 'session', String(nowMs))}`;
}

/**
 * A cookie is valid while young enough and signed with the current token: changing OPERATOR_TOKEN signs
 * everyone out, and nothing about a session is kept on the server.
 */
export function sessionIsValid(cookie: string | undefined, token: string, nowMs: number): boolean {
  const match = /^(\d{1,15})\.([\w-]{43})$/.exec(cookie ?? '');
  if (!match) return false;
  const issuedAt = Number(match[1]);
  if (issuedAt > nowMs || nowMs - issuedAt > SESSION_MAX_AGE_MS) return false;
  return secretsEqual(match[2]!, mac(token, 'session', match[1]!));
}

/**
 * The form token of a session (synchronizer pattern, derived instead of stored): a page from another site can
 * neither read it nor send the SameSite=Strict cookie, and every POST must carry it.
 */
export function csrfTokenOf(session: string, token: string): string {
  return mac(token, 'csrf', session);
}
