import type { AlowareClient } from '@df/aloware-client';
import type { GhlClient } from '@df/ghl-client';
import type { Side } from './domain/merge.ts';

/**
 * Who owns a contact, in terms both tools share: the user's e-mail. GHL's `assignedTo` and Aloware's `user_id`
 * are ids of different user lists; a user is the same person in both when the e-mails match. Never guessed:
 * an owner with no match is reported and not written.
 */
export interface OwnerDirectory {
  emailOf(side: Side, userId: string): Promise<string | null>;
  idOf(side: Side, email: string): Promise<string | null>;
}

// A miss reloads the users, at most this often (a new agent appears without a restart; a typo does not
// cost a users call per event).
const RELOAD_AFTER_MISS_MS = 60_000;

interface UserList {
  byId: Map<string, string>;
  byEmail: Map<string, string>;
  loadedAt: number;
}

export function createOwnerDirectory(
  ghl: Pick<GhlClient, 'listUsers'>,
  aloware: Pick<AlowareClient, 'listUsers'>,
): OwnerDirectory {
  const lists: Partial<Record<Side, Promise<UserList>>> = {};
  const load = async (side: Side): Promise<UserList> => {
    const users =
      side === 'ghl'
        ? (await ghl.listUsers()).map((u) => ({ id: u.id, email: u.email ?? null }))
        : (await aloware.listUsers()).map((u) => ({ id: String(u.id), email: u.email }));
    const list: UserList = { byId: new Map(), byEmail: new Map(), loadedAt: Date.now() };
    for (const { id, email } of users) {
      if (!email) continue;
      list.byId.set(id, email.trim().toLowerCase());
      list.byEmail.set(email.trim().toLowerCase(), id);
    }
    return list;
  };
  const listOf = (side: Side, reload = false): Promise<UserList> => {
    const current = lists[side];
    if (current && !reload) return current;
    const next = load(side).catch((error) => {
      delete lists[side];
      throw error;
    });
    lists[side] = next;
    return next;
  };
  const lookUp = async (side: Side, find: (list: UserList) => string | undefined) => {
    const list = await listOf(side);
    const hit = find(list);
    if (hit !== undefined || Date.now() - list.loadedAt < RELOAD_AFTER_MISS_MS) return hit ?? null;
    return find(await listOf(side, true)) ?? null;
  };
  return {
    emailOf: (side, userId) => lookUp(side, (list) => list.byId.get(userId)),
    idOf: (side, email) => lookUp(side, (list) => list.byEmail.get(email.trim().toLowerCase())),
  };
}
