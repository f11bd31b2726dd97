import { type GhlUser, usersResponse } from '../schemas.ts';
import type { Call } from '../transport.ts';
import { CONTACTS_VERSION as version } from './versions.ts';

export interface GhlUsersApi {
  /** The location's users (the agents notes and messages can be attributed to). */
  listUsers(): Promise<GhlUser[]>;
}

export function usersApi(call: Call, locationId: string): GhlUsersApi {
  return {
    async listUsers() {
      const op = {
        name: 'listUsers',
        method: 'GET',
        path: '/users/',
        version,
        idempotent: true,
        query: { locationId },
      } as const;
      return (await call(op, usersResponse)).users;
    },
  };
}
