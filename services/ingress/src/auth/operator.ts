import { secretsEqual } from './compare.ts';
import { AuthFailure } from './failure.ts';

/** Operator API and metrics: `Authorization: Bearer <OPERATOR_TOKEN>`. No token configured → nobody gets in. */
export function verifyOperatorToken(authorization: string | undefined, token: string | undefined): void {
  if (!token) throw new AuthFailure('not_configured');
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  if (!match) throw new AuthFailure('missing_credentials');
  if (!secretsEqual(match[1]!, token)) throw new AuthFailure('bad_credentials');
}
