/** GHL's contact search semantics: filters (eq, contains, range, exists…) and the free-text query. */
import { contactToApi, type SimContact } from './model.ts';

export type SearchFilter =
  | { field: string; operator: string; value?: unknown }
  | { group: 'AND' | 'OR'; filters: SearchFilter[] };

function fieldValue(c: SimContact, field: string): unknown {
  const api = contactToApi(c);
  if (field.startsWith('customFields.')) return c.customFields.find((f) => f.id === field.slice(13))?.value;
  return api[field];
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

function compareRange(v: unknown, range: Record<string, unknown>): boolean {
  const num = (x: unknown) =>
    typeof x === 'number' ? x : typeof x === 'string' ? Date.parse(x) : Number.NaN;
  const n = num(v);
  if (Number.isNaN(n)) return false;
  if (range.gte !== undefined && !(n >= num(range.gte))) return false;
  if (range.gt !== undefined && !(n > num(range.gt))) return false;
  if (range.lte !== undefined && !(n <= num(range.lte))) return false;
  if (range.lt !== undefined && !(n < num(range.lt))) return false;
  return true;
}

export function matchesFilter(c: SimContact, filter: SearchFilter): boolean {
  if ('group' in filter) {
    const results = filter.filters.map((f) => matchesFilter(c, f));
    return filter.group === 'OR' ? results.some(Boolean) : results.every(Boolean);
  }
  const v = fieldValue(c, filter.field);
  const target = lower(filter.value);
  const values = Array.isArray(v) ? v.map(lower) : v === undefined ? [] : [lower(v)];
  const has = (x: unknown) => values.some((y) => y === x);
  const contains = (x: unknown) =>
    values.some((y) => typeof y === 'string' && typeof x === 'string' && y.includes(x));
  switch (filter.operator) {
    case 'eq':
      return has(target);
    case 'not_eq':
      return !has(target);
    case 'contains':
      return contains(target);
    case 'not_contains':
      return !contains(target);
    case 'exists':
      return values.length > 0 && values.some((x) => x !== '');
    case 'not_exists':
      return values.length === 0;
    case 'range':
      return typeof filter.value === 'object' && filter.value !== null
        ? values.some((x) => compareRange(x, filter.value as Record<string, unknown>))
        : false;
    default:
      return false;
  }
}

export function matchesQuery(c: SimContact, query: string): boolean {
  const q = query.toLowerCase();
  return [c.name, c.firstName, c.lastName, c.email, c.phone, c.companyName, ...c.tags].some(
    (v) => typeof v === 'string' && v.toLowerCase().includes(q),
  );
}
