import type { BatchEnvironment, Item } from './batch-types.ts';

/**
 * Which of the batch's keys are parked, durably (maybe by another member, maybe released since). A key with
 * records of its own still queued here keeps what this member knows: those records decided on it in order,
 * and a parked answer read before one of them parked would otherwise let the next overtake it.
 */
export async function refreshParked<E extends { type: string }, D>(
  items: Item[],
  env: BatchEnvironment<E, D>,
) {
  const { parking, group } = env.processor.settings;
  const { parked, pendingByKey } = env.state;
  if (!parking) return parked;
  const keys = [...new Set(items.map((i) => i.key))];
  const found = await parking.parkedAmong(group, keys);
  for (const key of keys) {
    if (found.has(key)) parked.add(key);
    else if (!pendingByKey.get(key)) parked.delete(key);
  }
  return parked;
}
