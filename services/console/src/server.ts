import type { AddressInfo } from 'node:net';
import { createConsoleApp } from './app.ts';
import type { ConsoleConfig } from './config.ts';
import type { ConsoleDeps } from './deps.ts';

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

/** Serves the console and its read API on `config.port` (0: a free one). The producer is the caller's. */
export async function startConsole(config: ConsoleConfig, deps: ConsoleDeps): Promise<RunningConsole> {
  const server = createConsoleApp(config, deps).listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  deps.log.info('console listening', { url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
