import { secretsEqual } from './compare.ts';
import { AuthFailure } from './failure.ts';

export interface AlowareAuthConfig {
  basicUser?: string;
  basicPass?: string;
  bearerToken?: string;
}

/**
 * Aloware signs nothing: it sends the Basic or Bearer credentials configured on its webhook. Both parts of
 * a Basic pair are always compared, so the time taken does not say which one was wrong.
 */
export function verifyAlowareAuth(authorization: string | undefined, config: AlowareAuthConfig): void {
  const basicConfigured = Boolean(config.basicUser && config.basicPass);
  if (!basicConfigured && !config.bearerToken) throw new AuthFailure('not_configured');
  if (!authorization) throw new AuthFailure('missing_credentials');
  const [scheme = '', value = ''] = authorization.split(' ', 2);
  if (scheme.toLowerCase() === 'basic' && basicConfigured) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
    const pass = colon >= 0 ? decoded.slice(colon + 1) : '';
    const userOk = secretsEqual(user, config.basicUser!);
    const passOk = secretsEqual(pass, config.basicPass!);
    if (userOk && passOk) return;
    throw new AuthFailure('bad_credentials');
  }
  if (scheme.toLowerCase() === 'bearer' && config.bearerToken) {
    if (secretsEqual(value, config.bearerToken)) return;
    throw new AuthFailure('bad_credentials');
  }
  throw new AuthFailure('missing_credentials');
}
