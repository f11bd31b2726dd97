/** Injected faults: the next matching requests answer an error (optionally after taking effect, or hanging). */
import { HttpError } from './http.ts';
import type { GhlState } from './state.ts';
import type { FaultSpec, SimRequest } from './types.ts';

export function faultInjector({ faults }: GhlState) {
  // Answers that were injected are not held against the OpenAPI spec.
  const injected = new WeakSet<SimRequest>();
  const take = (method: string, path: string, entry: SimRequest) => {
    const fault = faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method === method) &&
        (!f.path || f.path.test(path)) &&
        (f.rate === undefined || Math.random() < f.rate),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) faults.splice(faults.indexOf(fault), 1);
    injected.add(entry);
    return fault;
  };
  return { take, isInjected: (entry: SimRequest) => injected.has(entry) };
}

export function faultError(fault: FaultSpec): HttpError {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSec !== undefined) headers['Retry-After'] = String(fault.retryAfterSec);
  const body =
    (fault.body as Record<string, unknown> | undefined) ??
    (fault.status === 422
      ? { statusCode: 422, message: ['Unprocessable Entity'], error: 'Unprocessable Entity' }
      : fault.status === 429
        ? { statusCode: 429, message: 'Too Many Requests' }
        : {
            statusCode: fault.status,
            message: fault.status >= 500 ? 'Internal Server Error' : 'Bad Request',
          });
  return new HttpError(fault.status, body, headers);
}
