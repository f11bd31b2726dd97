import { createAlowareClient } from '@df/aloware-client';
import { loadOrExit } from '@df/env';
import { createSharedGhlClient } from '@df/ghl-store';
import { stopOnSignals } from '@df/kafka';
import {
  connectInfrastructure,
  createServiceMetrics,
  loadOpsSettings,
  loadSettings,
  OPS_PORTS,
  serveOps,
} from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { loadContactSyncSettings } from './config.ts';
import { startContactSync } from './service.ts';
import { createContactTools } from './tools.ts';

/**
 * contact-sync as its own process; scale by running more of them. Health and metrics on OPS_PORT (9101).
 * Topics and schemas: `npm run provision`.
 */
const { service: settings, ops } = loadOrExit('contact-sync', () =>
  loadSettings({
    service: () => loadContactSyncSettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS['contact-sync']),
  }),
);
const log = createLogger({ service: 'contact-sync' }, { level: settings.infrastructure.logLevel });
const aloware = createAlowareClient(settings.aloware);
const infra = connectInfrastructure({
  ...settings.infrastructure,
  clientId: 'contact-sync',
  log,
  credentials: ops.credentials,
});
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const server = await serveOps('contact-sync', ops, infra, [metrics.registry]);
// The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl, onCall: (info) => metrics.ghlCall(info) });
const tools = createContactTools(ghl, aloware, {
  alowareIdFieldKey: 'aloware_contact_id',
  smsOptOutTag: settings.contactSync.smsOptOutTag,
});
const service = await startContactSync(infra, tools, settings.contactSync, { metrics });
log.info('contact-sync consuming');
stopOnSignals([service.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
