/** The OAuth token endpoint: authorization code and refresh token grants (rotating refresh tokens). */

import { randomUUID, timingSafeEqual } from 'node:crypto';
import { badRequest, digest, unauthorized } from '../http.ts';
import type { Lookups } from '../lookups.ts';
import type { AddRoute } from '../router.ts';
import type { GhlState } from '../state.ts';

export function oauthRoutes(route: AddRoute, l: Lookups, s: GhlState): void {
  const { validateBody, location, issueTokens } = l;
  const { authCodes, refreshTokens, oauthClient, options } = s;
  // OAuth
  route('POST', '/oauth/token', { spec: 'oauth', version: null, auth: false }, (req) => {
    const body = validateBody('oauth', 'GetAccessCodebodyDto', req.body);
    const clientOk =
      timingSafeEqual(digest(String(body.client_id)), digest(oauthClient.clientId)) &&
      timingSafeEqual(digest(String(body.client_secret)), digest(oauthClient.clientSecret));
    if (!clientOk) throw unauthorized('Invalid client credentials');
    const invalidGrant = (message: string) => badRequest(message, { error: 'invalid_grant' });
    let locationId: string;
    if (body.grant_type === 'authorization_code') {
      const code = typeof body.code === 'string' ? body.code : '';
      const codeLocation = authCodes.get(code);
      if (!codeLocation) throw invalidGrant('Invalid grant: authorization code is invalid');
      authCodes.delete(code);
      locationId = codeLocation;
    } else if (body.grant_type === 'refresh_token') {
      const d = digest(String(body.refresh_token ?? ''));
      const record = refreshTokens.find((r) => timingSafeEqual(r.digest, d));
      if (!record || (record.used && (options.rejectRefreshTokenReuse ?? true))) {
        throw invalidGrant('Invalid grant: refresh token is invalid');
      }
      if (!location(record.locationId).settings.active) throw invalidGrant('Location is not active');
      record.used = true;
      locationId = record.locationId;
    } else {
      throw badRequest('Unsupported grant_type', { error: 'unsupported_grant_type' });
    }
    const issued = issueTokens(locationId, oauthClient.clientId);
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        refresh_token: issued.refreshToken,
        scope:
          'contacts.readonly contacts.write conversations.readonly conversations.write conversations/message.readonly conversations/message.write locations/customFields.readonly',
        userType: 'Location',
        locationId,
        companyId: 'sim-company',
        userId: 'sim-installer',
        isBulkInstallation: false,
        traceId: randomUUID(),
      },
    };
  });
}
