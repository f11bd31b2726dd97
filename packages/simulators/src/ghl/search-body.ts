import type { SearchFilter } from './contact-search.ts';
import { unprocessable } from './http.ts';

export interface SearchBody {
  locationId: string;
  page?: number;
  pageLimit: number;
  searchAfter?: unknown[];
  filters?: SearchFilter[];
  sort?: { field: string; direction: 'asc' | 'desc' }[];
  query?: string;
}

/** `SearchBodyV2DTO` is empty in the spec; the documented body (ghl-api.md §2.5) is validated by hand. */
export function validateSearchBody(body: unknown): SearchBody {
  if (typeof body !== 'object' || body === null) throw unprocessable(['body must be an object']);
  const b = body as Record<string, unknown>;
  const allowed = ['locationId', 'page', 'pageLimit', 'searchAfter', 'filters', 'sort', 'query'];
  const messages = Object.keys(b)
    .filter((k) => !allowed.includes(k))
    .map((k) => `property ${k} should not exist`);
  if (typeof b.locationId !== 'string') messages.push('locationId must be a string');
  if (typeof b.pageLimit !== 'number' || b.pageLimit < 1 || b.pageLimit > 500) {
    messages.push('pageLimit must not be greater than 500', 'pageLimit must be a number');
  }
  if (b.page !== undefined && (typeof b.page !== 'number' || b.page < 1))
    messages.push('page must be a number');
  if (b.page !== undefined && b.searchAfter !== undefined)
    messages.push('page and searchAfter cannot be combined');
  if (b.searchAfter !== undefined && !Array.isArray(b.searchAfter))
    messages.push('searchAfter must be an array');
  if (b.filters !== undefined && !Array.isArray(b.filters)) messages.push('filters must be an array');
  if (b.query !== undefined && (typeof b.query !== 'string' || b.query.length > 75)) {
    messages.push('query must be shorter than or equal to 75 characters');
  }
  if (messages.length > 0) throw unprocessable(messages);
  return b as unknown as SearchBody;
}
