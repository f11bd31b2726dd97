import { HttpError } from '../http/errors.ts';

/**
 * Why a request was refused: counted in metrics by reason, never told to the caller (the 401 says only
 * "unauthorized", so a prober learns nothing about which check failed).
 */
export type AuthFailureReason =
  | 'missing_credentials'
  | 'bad_credentials'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'missing_timestamp'
  | 'not_configured';

export class AuthFailure extends HttpError {
  constructor(readonly reason: AuthFailureReason) {
    super(401, 'unauthorized', 'authentication failed', { 'WWW-Authenticate': 'Bearer' });
  }
}
