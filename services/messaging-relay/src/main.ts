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
import { createTextingClient } from '@df/texting-client';
import { loadMessagingRelaySettings } from './config.ts';
import { startMessagingRelay } from './service.ts';
import { createRelayTools } from './tools.ts';

/** messaging-relay as its own process: health and metrics on OPS_PORT (9104). Topics: `npm run provision`. */
const { service: settings, ops } = loadOrExit('messaging-relay', () =>
  loadSettings({
    service: () => loadMessagingRelaySettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS['messaging-relay']),
  }),
);
const log = createLogger({ service: 'messaging-relay' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({
  ...settings.infrastructure,
  clientId: 'messaging-relay',
  log,
  credentials: ops.credentials,
});
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const server = await serveOps('messaging-relay', ops, infra, [metrics.registry]);
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl, onCall: (info) => metrics.ghlCall(info) });
const texting = createTextingClient(settings.texting);
// Only when a routing rule or the HELP reply on Aloware sends through Aloware.
const aloware = settings.aloware ? createAlowareClient(settings.aloware) : null;
const tools = createRelayTools(
  ghl,
  texting,
  { conversationProviderId: settings.conversationProviderId },
  aloware,
);
const service = await startMessagingRelay(
  infra,
  tools,
  {
    tenant: settings.ghl.locationId,
    helpReply: settings.helpReply,
    cutOverPendingTenants: settings.cutOverPendingTenants,
    routes: settings.routes,
    alowareFrom: settings.alowareFrom,
  },
  { metrics },
);
log.info('messaging-relay consuming');
stopOnSignals([service.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
