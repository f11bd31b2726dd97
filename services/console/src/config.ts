import { type Env, infrastructureEnv, list, parseEnv, port, text, toInfrastructure } from '@df/env';
import { z } from 'zod';

export interface ConsoleConfig {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The operator token: the API's bearer and what the log-in form asks for. */
  operatorToken: string;
  /** Sets the cookie's `Secure` flag: on whenever the console is served over HTTPS (a proxy in front). */
  secureCookie: boolean;
  /** Services whose `/healthz` the health page asks, by name. */
  services: Array<{ name: string; url: string }>;
}

const consoleEnv = z.object({
  ...infrastructureEnv,
  CONSOLE_HOST: text('127.0.0.1'),
  CONSOLE_PORT: port(4040),
  OPERATOR_TOKEN: text(),
  CONSOLE_SECURE_COOKIE: text('false'),
  // name=url pairs, e.g. contact-sync=http://contact-sync:9101 (the services' ops ports)
  CONSOLE_SERVICES: list(),
});

/** Parses the console's settings; refuses to start without a token or with a malformed service entry. */
export function loadConsoleSettings(env: Env) {
  const e = parseEnv(
    consoleEnv.superRefine((v, ctx) => {
      if (!v.OPERATOR_TOKEN)
        ctx.addIssue({
          code: 'custom',
          path: ['OPERATOR_TOKEN'],
          message: 'required: it guards the console',
        });
      if (!['true', 'false'].includes(v.CONSOLE_SECURE_COOKIE))
        ctx.addIssue({ code: 'custom', path: ['CONSOLE_SECURE_COOKIE'], message: 'expected true or false' });
      for (const entry of v.CONSOLE_SERVICES)
        if (!/^[\w.-]+=https?:\/\/\S+$/.test(entry))
          ctx.addIssue({
            code: 'custom',
            path: ['CONSOLE_SERVICES'],
            message: `expected name=url, got ${entry}`,
          });
    }),
    env,
  );
  const config: ConsoleConfig = {
    host: e.CONSOLE_HOST,
    port: e.CONSOLE_PORT,
    operatorToken: e.OPERATOR_TOKEN ?? '',
    secureCookie: e.CONSOLE_SECURE_COOKIE === 'true',
    services: e.CONSOLE_SERVICES.map((entry) => {
      const at = entry.indexOf('=');
      return { name: entry.slice(0, at), url: entry.slice(at + 1) };
    }),
  };
  return { config, infrastructure: toInfrastructure(e) };
}
