/** The simulator's routes: GHL paths with `{param}`s, each tied to its OpenAPI operation and `Version`. */
import type { GhlSpecName } from './spec.ts';
import type { TokenRecord } from './state.ts';

export interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  token?: TokenRecord;
}

export type RouteResult = { status: number; body: unknown };

export interface Route {
  method: string;
  /** GHL's path, `{param}`s included (e.g. `/contacts/{contactId}`). */
  path: string;
  /** The OpenAPI operation this route implements (for response validation). */
  spec?: { name: GhlSpecName; path: string };
  /** The version the operation declares; null = no Version header (OAuth token endpoint). */
  version: string | null;
  auth: boolean;
  handler: (req: RequestContext) => RouteResult | Promise<RouteResult>;
}

export interface RouteConfig {
  spec?: GhlSpecName;
  specPath?: string;
  version: string | null;
  auth?: boolean;
}

export type AddRoute = (method: string, path: string, config: RouteConfig, handler: Route['handler']) => void;

export const CONTACTS_VERSION = '2021-07-28';
export const CONVERSATIONS_VERSION = '2021-04-15';

/**
 * The route table the resource modules fill, in GHL's precedence (a literal path before a `{param}` one); the
 * pipeline serves it with @koa/router.
 */
export function createRouteTable() {
  const routes: Route[] = [];
  const route: AddRoute = (method, path, config, handler) => {
    routes.push({
      method,
      path,
      spec: config.spec ? { name: config.spec, path: config.specPath ?? path } : undefined,
      version: config.version,
      auth: config.auth ?? true,
      handler,
    });
  };
  return { route, routes };
}

/** `/contacts/{contactId}/` as @koa/router writes it: `/contacts/:contactId` (a trailing slash never matters). */
export function koaPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/$/, '') : path;
  return trimmed.replace(/\{(\w+)\}/g, ':$1');
}
