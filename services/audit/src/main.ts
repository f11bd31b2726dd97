import { runService } from '@df/service-runtime';
import { startAudit } from './audit.ts';
import { loadAuditSettings } from './config.ts';

/** audit as its own process: health and metrics on OPS_PORT (9105). Topics and schemas: `npm run provision`. */
await runService({
  name: 'audit',
  settings: loadAuditSettings,
  async start({ infra, metrics, log }) {
    const consumer = await startAudit(infra, metrics);
    log.info('audit consuming');
    return consumer;
  },
});
