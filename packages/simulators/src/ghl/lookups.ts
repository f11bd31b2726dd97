/** Lookups every route needs: tokens, locations, contacts, DTO validation, webhooks out, OAuth token issue. */
import { timingSafeEqual } from 'node:crypto';
import { badRequest, capped, digest, fakeJwt, forbiddenLocation, HttpError, unprocessable } from './http.ts';
import type { SimContact } from './model.ts';
import type { RequestContext } from './router.ts';
import type { GhlSpecName } from './spec.ts';
import type { GhlState, Location, TokenRecord } from './state.ts';

export type Lookups = ReturnType<typeof lookups>;

export function lookups(s: GhlState) {
  const { tokens, locations, spec, events, dispatcher, refreshTokens } = s;
  const findToken = (presented: string): TokenRecord | undefined => {
    const d = digest(presented);
    let found: TokenRecord | undefined;
    for (const record of tokens) if (timingSafeEqual(record.digest, d)) found = record;
    return found;
  };

  const location = (id: string): Location => {
    const loc = locations.get(id);
    if (!loc) throw forbiddenLocation();
    return loc;
  };

  const requireLocation = (req: RequestContext, locationId: unknown): Location => {
    if (typeof locationId !== 'string' || !locationId)
      throw unprocessable(['locationId should not be empty']);
    if (!req.token || req.token.locationId !== locationId) throw forbiddenLocation();
    return location(locationId);
  };

  const findContact = (id: string) => {
    for (const loc of locations.values()) {
      const c = loc.contacts.get(id);
      if (c) return c;
    }
    return undefined;
  };

  const requireContact = (req: RequestContext, id: string): SimContact => {
    const contact = findContact(id);
    if (!contact) {
      if (s.notFoundStatus === 404)
        throw new HttpError(404, { statusCode: 404, message: 'Contact not found' });
      throw badRequest(`Contact with id ${id} not found`);
    }
    if (req.token?.locationId !== contact.locationId) throw forbiddenLocation();
    return contact;
  };

  /** GHL's strict DTO whitelisting + schema validation, answered the NestJS/class-validator way. */
  const validateBody = (specName: GhlSpecName, schema: string, body: unknown): Record<string, unknown> => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw unprocessable([`${schema} must be an object`]);
    }
    const allowed = new Set(spec.schemaProperties(specName, schema));
    const messages = Object.keys(body)
      .filter((k) => !allowed.has(k))
      .map((k) => `property ${k} should not exist`);
    for (const error of spec.validateSchema(specName, schema, body)) {
      const field = error.path.replace(/^\//, '').replaceAll('/', '.');
      const text = error.message.replace(/^\S+\s/, '');
      messages.push(
        field
          ? `${field} ${text}`
          : text.replace(/must have required property '(.+)'/, '$1 should not be empty'),
      );
    }
    if (messages.length > 0) throw unprocessable(messages);
    return body as Record<string, unknown>;
  };

  const emit = (payload: Record<string, unknown>) => {
    capped(events, payload);
    if (s.webhookUrl) dispatcher.enqueue(s.webhookUrl, payload);
  };

  const issueTokens = (locationId: string, clientId: string) => {
    const accessToken = fakeJwt({ locationId, clientId });
    const refreshToken = fakeJwt({ locationId, clientId, kind: 'refresh' });
    const expiresIn = 86_399;
    tokens.push({
      digest: digest(accessToken),
      token: accessToken,
      kind: 'oauth',
      locationId,
      clientId,
      expiresAt: Date.now() + expiresIn * 1000,
    });
    refreshTokens.push({ digest: digest(refreshToken), locationId, clientId, used: false });
    return { accessToken, refreshToken, expiresIn };
  };

  return {
    findToken,
    location,
    requireLocation,
    findContact,
    requireContact,
    validateBody,
    emit,
    issueTokens,
  };
}
