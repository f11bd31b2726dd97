import { stopOnSignals } from '@df/kafka';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { replayCommands } from './commands.ts';

/** The operator jobs as their own process (the all-in-one runs them too). */
const log = createLogger({ service: 'replay' });
const infra = infrastructureFromEnv('replay', log);
const consumer = await replayCommands.start(infra);
log.info('replay consuming commands');
stopOnSignals([consumer.stop, () => infra.db.destroy()], (message) => log.info(message));
