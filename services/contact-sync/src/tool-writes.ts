import type { PersonState, ToolWrite, WriteResult } from './domain/plan.ts';
import type { ContactSyncDeps } from './sync-contact.ts';

/** One tool call; a GHL update of a contact that no longer exists answers `missing` instead of failing. */
export async function write_(
  write: ToolWrite,
  state: PersonState,
  deps: ContactSyncDeps,
): Promise<WriteResult | 'missing'> {
  if (write.target === 'ghl' && write.kind === 'update') {
    try {
      await deps.tools.ghl.update(write.id, write.fields, state.alowareContactId);
      return { id: write.id, created: false };
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') return 'missing';
      throw error;
    }
  }
  return writeOrThrow(write, state, deps);
}

export async function writeOrThrow(
  write: ToolWrite,
  state: PersonState,
  deps: ContactSyncDeps,
): Promise<WriteResult> {
  if (write.target === 'ghl') {
    if (write.kind === 'update') {
      await deps.tools.ghl.update(write.id, write.fields, state.alowareContactId);
      return { id: write.id, created: false };
    }
    return deps.tools.ghl.upsert(write.fields, state.alowareContactId);
  }
  const outcome = await deps.tools.aloware.upsert(write.phone, write.fields, write.tags);
  return { id: null, created: outcome === 'created' };
}
