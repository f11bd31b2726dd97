/** Injected faults: the next matching requests answer an error (optionally after taking effect, or hanging). */
import { takeFault } from '../kit/faults.ts';
import { HttpError } from './http.ts';
import type { GhlState } from './state.ts';
import type { FaultSpec, SimRequest } from './types.ts';

export function faultInjector({ faults }: GhlState) {
  // Answers that were injected are not held against the OpenAPI spec.
  const injected = new WeakSet<SimRequest>();
  const take = (method: string, path: string, entry: SimRequest) => {
    const fault = takeFault(faults, method, path);
    if (fault) injected.add(entry);
    return fault;
  };
  return { take, isInjected: (entry: SimRequest) => injected.has(entry) };
}

export function faultError(fault: FaultSpec): HttpError {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSec !== undefined) headers['Retry-After'] = String(fault.retryAfterSec);
  const body =
    (fault.body as Record<string, unknown> | undefined) ??
    (status === 422
      ? { statusCode: 422, message: ['Unprocessable Entity'], error: 'Unprocessable Entity' }
      : status === 429
        ? { statusCode: 429, message: 'Too Many Requests' }
        : { statusCode: status, message: status >= 500 ? 'Internal Server Error' : 'Bad Request' });
  return new HttpError(status, body, headers);
}
