import { EventEnvelope, type EventOfType, TOPICS } from '@df/contracts';
import type { Database } from '@df/db';
import type { GhlAppSettings } from '@df/env';
import { recordGhlUninstall } from '@df/ghl-store';
import {
  type ConsumerContext,
  type ConsumerTuning,
  defineConsumer,
  type Infrastructure,
  type RunningServiceConsumer,
  type ServiceMetrics,
} from '@df/service-runtime';
import type { Logger } from '@df/telemetry';
import type { Kysely } from 'kysely';

export const GHL_APP_GROUP = 'ghl-app';

export interface LifecycleDeps {
  app: GhlAppSettings;
  db: Kysely<Database>;
  log: Logger;
  report: ConsumerContext['report'];
}

/**
 * GHL removed the app from a location: its tokens are dead, so the connection is marked unusable and every
 * service's client fails fast (`auth_broken`) until the app is installed again. Tokens stored after the webhook
 * arrived (a re-install while this event waited) are spared. An agency-level uninstall names no location: the
 * services hold location tokens only, so there is nothing to mark.
 */
export async function handleAppUninstalled(
  event: EventOfType<'app.uninstalled'>,
  { app, db, log, report }: LifecycleDeps,
): Promise<void> {
  const { locationId } = event.data;
  const outcome = {
    entity: event.entity,
    direction: 'internal' as const,
    target: { system: 'middleware' as const, id: locationId },
  };
  if (!locationId) {
    await report(event, { ...outcome, action: 'skipped', reason: 'agency-level uninstall' });
    return;
  }
  const { marked } = await recordGhlUninstall({ db, ...app }, locationId, new Date(event.receivedAt));
  log.info('ghl app uninstalled', { locationId, marked });
  await report(
    event,
    marked
      ? { ...outcome, action: 'updated', reason: 'oauth connection marked unusable' }
      : { ...outcome, action: 'skipped', reason: 'no connection, or installed again since' },
  );
}

/**
 * The `ghl-app` consumer of `ghl.events.v1`: the app's lifecycle arrives as events like any other GHL webhook
 * (signed, durable, replayable), and this small handler acts on them. Installs need nothing here: the install
 * callback already stored the tokens.
 */
export function startGhlAppLifecycle(
  infra: Infrastructure,
  app: GhlAppSettings,
  options: { metrics?: ServiceMetrics; tuning?: ConsumerTuning } = {},
): Promise<RunningServiceConsumer> {
  return defineConsumer<EventEnvelope, LifecycleDeps>({
    group: GHL_APP_GROUP,
    topics: [TOPICS.ghl],
    parse: (value) => EventEnvelope.parse(value),
    handlers: { 'app.uninstalled': handleAppUninstalled },
    deps: ({ infra, log, report }) => ({ app, db: infra.db, log, report }),
  }).start(infra, options);
}
