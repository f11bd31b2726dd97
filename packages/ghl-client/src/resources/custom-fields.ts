import { customFieldsResponse, type GhlCustomField } from '../schemas.ts';
import type { Call } from '../transport.ts';
import { enc, CONTACTS_VERSION as version } from './versions.ts';

export interface GhlCustomFieldsApi {
  /** Custom field ids differ per location: resolve them here before writing `customFields`. */
  listCustomFields(model?: 'contact' | 'opportunity' | 'all'): Promise<GhlCustomField[]>;
}

export function customFieldsApi(call: Call, locationId: string): GhlCustomFieldsApi {
  return {
    async listCustomFields(model = 'contact') {
      const path = `/locations/${enc(locationId)}/customFields`;
      const op = {
        name: 'listCustomFields',
        method: 'GET',
        path,
        version,
        idempotent: true,
        query: { model },
      } as const;
      return (await call(op, customFieldsResponse)).customFields;
    },
  };
}
