import { createAlowareClient } from '@df/aloware-client';
import { createContactTools } from '@df/contact-sync';
import { createGhlClient } from '@df/ghl-client';
import type { TestSystem } from './system-harness.ts';

/** Clients for the system's tools, as a second service instance would build them. */
export function contactToolsFor(system: TestSystem) {
  const { ghl, aloware } = system.tools;
  return createContactTools(
    createGhlClient({
      locationId: ghl.locationId,
      auth: { type: 'pit', token: ghl.token },
      baseUrl: ghl.baseUrl,
    }),
    createAlowareClient({ baseUrl: aloware.baseUrl, apiToken: aloware.apiToken }),
  );
}
