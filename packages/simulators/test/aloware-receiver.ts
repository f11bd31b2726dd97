/** A real HTTP receiver for simulator webhooks in tests: records every request and answers a chosen status. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  json: unknown;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Status answered to the next requests (default 204). */
  respondWith(status: number): void;
  close(): Promise<void>;
}

export async function startReceiver(path = '/webhooks'): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  let status = 204;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        json = undefined;
      }
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, json });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respondWith(s) {
      status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `typeof` that tells null and arrays apart. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Compares an emitted object with a fixture object: same key set, and each value of the same kind (null is
 * accepted in place of a value and vice versa, since fixture values are one sample). Recurses into nested
 * objects (`contact`, `communication`, `transcription`, …). Returns the list of mismatches.
 */
export function shapeDiff(actual: unknown, expected: unknown, path = '$'): string[] {
  const a = kindOf(actual);
  const e = kindOf(expected);
  if (a === 'null' || e === 'null') return [];
  if (a !== e) return [`${path}: ${a} instead of ${e}`];
  if (a !== 'object') return [];
  const act = actual as Record<string, unknown>;
  const exp = expected as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(exp)) if (!(key in act)) out.push(`${path}.${key}: missing`);
  for (const key of Object.keys(act)) if (!(key in exp)) out.push(`${path}.${key}: unexpected`);
  for (const key of Object.keys(exp))
    if (key in act) out.push(...shapeDiff(act[key], exp[key], `${path}.${key}`));
  return out;
}
