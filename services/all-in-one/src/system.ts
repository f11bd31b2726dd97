import { randomBytes } from 'node:crypto';
import { createAlowareClient } from '@df/aloware-client';
import { startAudit } from '@df/audit';
import { type BackfillConfig, createBulkGhlClient, startBackfill } from '@df/backfill';
import { createCallTools, DEFAULT_FLUSH_CONFIG, type FlushConfig, startCallSync } from '@df/call-sync';
import { startConsole } from '@df/console';
import {
  type ContactSyncConfig,
  type ContactTools,
  createContactTools,
  startContactSync,
} from '@df/contact-sync';
import type { Database } from '@df/db';
import { createGhlClient, type GhlClientOptions } from '@df/ghl-client';
import { createSharedGhlClient } from '@df/ghl-store';
import { startGhlAppLifecycle, startIngress } from '@df/ingress';
import { EventProducer, type RunningConsumer } from '@df/kafka';
import { createListTools, type ListSyncConfig, type ListTools, startListSync } from '@df/list-sync';
import type { RelayToolsOptions } from '@df/messaging-relay';
import { replayCommands } from '@df/replay-service';
import {
  connectInfrastructure,
  createServiceMetrics,
  type Infrastructure,
  provisionEventBus,
} from '@df/service-runtime';
import type { Logger } from '@df/telemetry';
import type { Kysely } from 'kysely';
import type { SystemConfig } from './config.ts';
import { startRelay } from './relay.ts';
import {
  type SimulatorOptions,
  type Simulators,
  startSimulators,
  type ToolEndpoints,
  withSimulatedGhlAuth,
} from './tools.ts';

export interface SystemOptions {
  /** The parsed environment (`loadSystemConfig`); tests pass `loadSystemConfig({})`. */
  config: SystemConfig;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  db: Kysely<Database>;
  log: Logger;
  topicPrefix?: string;
  /** Partitions per topic when they are created, over `TOPIC_PARTITIONS` (tests use fewer). */
  partitions?: number;
  ingressPort?: number;
  /** The operator console's port, over `CONSOLE_PORT` (0: a free one). */
  consolePort?: number;
  simulators?: SimulatorOptions;
  contactSync?: Partial<ContactSyncConfig>;
  callSync?: Partial<FlushConfig>;
  /** list-sync's rules, over the environment's. */
  listSync?: Partial<ListSyncConfig>;
  /** messaging-relay's tool tuning (tests shorten GHL's status 403 window). */
  messagingTools?: Partial<RelayToolsOptions>;
  /** With the simulators on a PIT, messaging-relay calls them as the installed app (`npm start`'s local demo). */
  relayAsSimulatedApp?: boolean;
  /** Lets a test stand between contact-sync and the tools (fault injection). */
  wrapContactTools?: (tools: ContactTools) => ContactTools;
  /** The same for list-sync. */
  wrapListTools?: (tools: ListTools) => ListTools;
  /** Backfill and reconciliation settings, over the environment's (the rules are list-sync's). */
  backfill?: Partial<BackfillConfig>;
}

export interface RunningSystem {
  infra: Infrastructure;
  ingressUrl: string;
  /** The operator console and its read API (same OPERATOR_TOKEN). */
  consoleUrl: string;
  operatorToken: string;
  tools: ToolEndpoints;
  /** Present when the simulators stand in for the real tools. */
  simulators: Simulators | null;
  consumers: Record<
    'audit' | 'contactSync' | 'callSync' | 'listSync' | 'backfill',
    Pick<RunningConsumer, 'stop'>
  >;
  /** Null when it cannot run: the custom provider needs the OAuth app, a provider id and the texting API. */
  messagingRelay: { stop(deadlineMs?: number): Promise<void> } | null;
  /** What the simulators (or the real Aloware webhook) must send to the ingress. */
  webhookCredentials: { alowareUser: string; alowarePass: string; textingSecret: string };
  close(): Promise<void>;
}

/**
 * The whole middleware in one process: topics and schemas provisioned, ingress, audit, contact-sync and
 * call-sync, and (without real credentials) the three simulators wired to the ingress exactly as the real
 * tools would be.
 * Each service also runs on its own (its `main.ts`); this is the single-machine default and the e2e harness.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { config, log } = options;
  const infra = connectInfrastructure({
    kafkaBrokers: options.kafkaBrokers,
    schemaRegistryUrl: options.schemaRegistryUrl,
    db: options.db,
    topicPrefix: options.topicPrefix ?? config.infrastructure.topicPrefix,
    clientId: 'df-middleware',
    log,
    credentials: config.credentials,
  });
  await provisionEventBus(infra, options.partitions ?? config.partitions);

  const simulated = config.tools ? null : await startSimulators(options.simulators);
  const tools = config.tools ?? withSimulatedGhlAuth(simulated!, config.simulatedGhlAuth);
  const base = config.ingress;
  // Credentials not configured are generated: the simulators are then told them (below).
  const secret = () => randomBytes(16).toString('hex');
  const alowareUser = base.aloware.basicUser ?? 'aloware';
  const alowarePass = base.aloware.basicPass ?? secret();
  const textingSecret = base.texting.signingSecrets[0] ?? secret();
  const operatorToken = base.operatorToken ?? secret();

  // One registry for the services in this process, served with the ingress's on its /metrics.
  const metrics = createServiceMetrics(undefined, { processMetrics: true });
  const ingress = await startIngress(
    {
      ...base,
      port: options.ingressPort ?? base.port,
      topicPrefix: infra.topicPrefix,
      operatorToken,
      aloware: {
        ...base.aloware,
        basicUser: alowareUser,
        basicPass: alowarePass,
        defaultTenant: base.aloware.defaultTenant,
      },
      ghl: {
        ...base.ghl,
        ed25519PublicKey: tools.ghl.webhookPublicKey ?? base.ghl.ed25519PublicKey,
        rsaPublicKey: tools.ghl.webhookLegacyPublicKey ?? base.ghl.rsaPublicKey,
      },
      texting: { ...base.texting, signingSecrets: [textingSecret, ...base.texting.signingSecrets.slice(1)] },
      // The app the services call GHL with (real, or the simulator's): its installs arrive at /oauth/callback.
      ghlApp: tools.ghl.auth.type === 'oauth' ? { baseUrl: tools.ghl.baseUrl, ...tools.ghl.auth } : null,
    },
    {
      kafkaBrokers: options.kafkaBrokers,
      schemaRegistryUrl: options.schemaRegistryUrl,
      db: infra.db,
      log: log.child({ service: 'ingress' }),
      extraMetrics: [metrics.registry],
      credentials: config.credentials,
    },
  );
  simulated?.simulators.connect(ingress.url, { alowareUser, alowarePass, textingSecret });

  const { locationId, baseUrl, auth } = tools.ghl;
  const onCall: GhlClientOptions['onCall'] = (info) => metrics.ghlCall(info);
  // OAuth tokens live in Postgres (the install callback stores them), so that client reads and refreshes them
  // there, under the shared budget; a PIT client keeps the process's own limiter.
  const ghl =
    auth.type === 'oauth'
      ? createSharedGhlClient({ db: infra.db, locationId, baseUrl, auth, onCall })
      : createGhlClient({ locationId, baseUrl, auth, onCall });
  const aloware = createAlowareClient({ baseUrl: tools.aloware.baseUrl, apiToken: tools.aloware.apiToken });
  const audit = await startAudit(infra, metrics);
  const contactSyncConfig = { ...options.config.contactSync, ...options.contactSync };
  const contactTools = createContactTools(ghl, aloware, {
    alowareIdFieldKey: 'aloware_contact_id',
    smsOptOutTag: contactSyncConfig.smsOptOutTag,
  });
  const contactSync = await startContactSync(
    infra,
    options.wrapContactTools?.(contactTools) ?? contactTools,
    contactSyncConfig,
    { metrics },
  );

  const callSync = await startCallSync(
    infra,
    createCallTools(ghl),
    {
      ...DEFAULT_FLUSH_CONFIG,
      timeZone: config.callNoteTimeZone,
      ...options.callSync,
    },
    metrics,
  );

  const messagingRelay = await startRelay(options, tools, simulated?.simulators ?? null, ghl, infra, metrics);

  const listSyncConfig = { ...config.listSync, ghlLocationId: locationId, ...options.listSync };
  // Real lists are made in Aloware's UI; the simulator gets the ones the rules name, as if someone had.
  for (const rule of listSyncConfig.rules) {
    if (rule.target.kind === 'list')
      simulated?.simulators.aloware.createList({ id: rule.target.listId, name: rule.tag });
  }
  const listTools = createListTools(ghl, aloware);
  const listSync = await startListSync(
    infra,
    options.wrapListTools?.(listTools) ?? listTools,
    listSyncConfig,
    {
      metrics,
    },
  );

  // Backfill and reconciliation page GHL on their share of the location's budget, beside live traffic's.
  const backfillConfig = { ...config.backfill, rules: listSyncConfig.rules, ...options.backfill };
  const bulkGhl = createBulkGhlClient({
    db: infra.db,
    locationId,
    baseUrl,
    auth,
    locationLimiter: ghl.limiter,
    share: backfillConfig.share,
    onCall,
  });
  const backfill = await startBackfill(infra, { ghl: bulkGhl, aloware }, backfillConfig, { metrics });
  // Rebuilds, replays and redrives asked for on commands.v1 (npm run replay does the same in its own process).
  const replayJobs = await replayCommands.start(infra, { metrics });

  // The operator console, next to the operator API, behind the same token; it knows this process's GHL budget.
  const consoleProducer = new EventProducer(infra.kafka, infra.codec);
  await consoleProducer.connect();
  const operatorConsole = await startConsole(
    {
      host: base.host,
      port: options.consolePort ?? config.consolePort,
      operatorToken,
      secureCookie: false,
      services: [],
    },
    {
      ...infra,
      producer: consoleProducer,
      tenant: locationId,
      ghlBudgets: () => (ghl.limiter.daily ? [{ locationId, ...ghl.limiter.daily }] : []),
      log: log.child({ service: 'console' }),
    },
  );

  // The app's uninstalls mark its tokens unusable (only with OAuth: a PIT has no app to uninstall).
  const ghlApp =
    auth.type === 'oauth' ? await startGhlAppLifecycle(infra, { baseUrl, ...auth }, { metrics }) : null;

  return {
    infra,
    ingressUrl: ingress.url,
    consoleUrl: operatorConsole.url,
    operatorToken,
    tools,
    simulators: simulated?.simulators ?? null,
    consumers: { audit, contactSync, callSync, listSync, backfill },
    messagingRelay,
    webhookCredentials: { alowareUser, alowarePass, textingSecret },
    async close() {
      await operatorConsole.close();
      await ingress.close();
      await Promise.all([
        audit.stop(),
        contactSync.stop(),
        callSync.stop(),
        listSync.stop(),
        backfill.stop(),
        replayJobs.stop(),
        messagingRelay?.stop(),
        ghlApp?.stop(),
      ]);
      await consoleProducer.disconnect();
      await simulated?.simulators.close();
    },
  };
}
