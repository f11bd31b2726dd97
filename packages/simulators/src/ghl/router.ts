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
  pattern: RegExp;
  keys: string[];
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

export function createRouter() {
  const routes: Route[] = [];
  const route: AddRoute = (method, path, config, handler) => {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\/$/, '').replace(/\{(\w+)\}/g, (_m, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    routes.push({
      method,
      pattern,
      keys,
      spec: config.spec ? { name: config.spec, path: config.specPath ?? path } : undefined,
      version: config.version,
      auth: config.auth ?? true,
      handler,
    });
  };
  /** The route for a request and its decoded path parameters (a trailing slash does not matter). */
  const match = (method: string, path: string) => {
    const routePath = path.length > 1 ? path.replace(/\/$/, '') : path;
    const matched = routes.find((r) => r.method === method && r.pattern.test(routePath));
    if (!matched) return undefined;
    const found = matched.pattern.exec(routePath) as RegExpExecArray;
    const params = Object.fromEntries(
      matched.keys.map((k, i) => [k, decodeURIComponent(found[i + 1] as string)]),
    );
    return { route: matched, params };
  };
  return { route, match };
}
