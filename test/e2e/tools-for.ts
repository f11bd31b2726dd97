import { createAlowareClient } from '@df/aloware-client';
import { createContactTools } from '@df/contact-sync';
import { createGhlClient } from '@df/ghl-client';
import type { TestSystem } from './system-harness.ts';

/** Clients for the system's tools, as a second service instance (or a user of the tool) would build them. */
export function contactToolsFor(system: TestSystem) {
  const { ghl, aloware } = system.tools;
  if (ghl.auth.type !== 'pit') throw new Error('contactToolsFor needs the PIT (the simulated default)');
  const ghlClient = createGhlClient({ locationId: ghl.locationId, auth: ghl.auth, baseUrl: ghl.baseUrl });
  const alowareClient = createAlowareClient({ baseUrl: aloware.baseUrl, apiToken: aloware.apiToken });
  return { ...createContactTools(ghlClient, alowareClient), ghlClient };
}
