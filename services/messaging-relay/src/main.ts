import { createAlowareClient } from '@df/aloware-client';
import { createSharedGhlClient } from '@df/ghl-store';
import { runService } from '@df/service-runtime';
import { createTextingClient } from '@df/texting-client';
import { loadMessagingRelaySettings } from './config.ts';
import { startMessagingRelay } from './service.ts';
import { createRelayTools } from './tools.ts';

/** messaging-relay as its own process: health and metrics on OPS_PORT (9104). Topics: `npm run provision`. */
await runService({
  name: 'messaging-relay',
  settings: loadMessagingRelaySettings,
  async start({ settings, infra, metrics, log }) {
    const ghl = createSharedGhlClient({
      db: infra.db,
      ...settings.ghl,
      onCall: (info) => metrics.ghlCall(info),
    });
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
    return service;
  },
});
