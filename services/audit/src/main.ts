import { stopOnSignals } from '@df/kafka';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { startAudit } from './audit.ts';

const log = createLogger({ service: 'audit' });
const infra = infrastructureFromEnv('audit', log);
const consumer = await startAudit(infra);
log.info('audit consuming');
stopOnSignals([consumer.stop, () => infra.db.destroy()], (message) => log.info(message));
