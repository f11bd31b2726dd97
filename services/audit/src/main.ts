import { loadOrExit } from '@df/env';
import { stopOnSignals } from '@df/kafka';
import { connectInfrastructure } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { startAudit } from './audit.ts';
import { loadAuditSettings } from './config.ts';

const settings = loadOrExit('audit', () => loadAuditSettings(process.env));
const log = createLogger({ service: 'audit' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({ ...settings.infrastructure, clientId: 'audit', log });
const consumer = await startAudit(infra);
log.info('audit consuming');
stopOnSignals([consumer.stop, () => infra.db.destroy()], (message) => log.info(message));
