import { createSharedGhlClient } from '@df/ghl-store';
import { runService } from '@df/service-runtime';
import { loadCallSyncSettings } from './config.ts';
import { DEFAULT_FLUSH_CONFIG, startCallSync } from './service.ts';
import { createCallTools } from './tools.ts';

/** call-sync as its own process: health and metrics on OPS_PORT (9102). Topics and schemas: `npm run provision`. */
await runService({
  name: 'call-sync',
  settings: loadCallSyncSettings,
  async start({ settings, infra, metrics, log }) {
    // The location's GHL budget (and OAuth tokens) live in Postgres: every instance of every service shares them.
    const ghl = createSharedGhlClient({
      db: infra.db,
      ...settings.ghl,
      onCall: (info) => metrics.ghlCall(info),
    });
    const service = await startCallSync(
      infra,
      createCallTools(ghl),
      { ...DEFAULT_FLUSH_CONFIG, timeZone: settings.callNoteTimeZone },
      metrics,
    );
    log.info('call-sync consuming');
    return service;
  },
});
