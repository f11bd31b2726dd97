import { loadInfrastructureSettings, runService } from '@df/service-runtime';
import { replayCommands } from './commands.ts';

/**
 * The operator jobs as their own process (the all-in-one runs them too): health and metrics on OPS_PORT (9106).
 * Topics and schemas: `npm run provision`.
 */
await runService({
  name: 'replay',
  settings: (env) => ({ infrastructure: loadInfrastructureSettings(env) }),
  async start({ infra, metrics, log }) {
    const consumer = await replayCommands.start(infra, { metrics });
    log.info('replay consuming commands');
    return consumer;
  },
});
