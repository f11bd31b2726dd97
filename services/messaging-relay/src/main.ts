import { loadOrExit } from '@df/env';
import { createSharedGhlClient } from '@df/ghl-store';
import { stopOnSignals } from '@df/kafka';
import { connectInfrastructure } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { createTextingClient } from '@df/texting-client';
import { loadMessagingRelaySettings } from './config.ts';
import { startMessagingRelay } from './service.ts';
import { createRelayTools } from './tools.ts';

/** messaging-relay as its own process (per-service deployment). */
const settings = loadOrExit('messaging-relay', () => loadMessagingRelaySettings(process.env));
const log = createLogger({ service: 'messaging-relay' }, { level: settings.infrastructure.logLevel });
const infra = connectInfrastructure({ ...settings.infrastructure, clientId: 'messaging-relay', log });
const ghl = createSharedGhlClient({ db: infra.db, ...settings.ghl });
const texting = createTextingClient(settings.texting);
const tools = createRelayTools(ghl, texting, { conversationProviderId: settings.conversationProviderId });
const service = await startMessagingRelay(infra, tools, {
  tenant: settings.ghl.locationId,
  helpReply: settings.helpReply,
  cutOverPendingTenants: settings.cutOverPendingTenants,
});
log.info('messaging-relay consuming');
stopOnSignals([service.stop, () => infra.db.destroy()], (message) => log.info(message));
