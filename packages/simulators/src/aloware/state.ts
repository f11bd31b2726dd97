/** Everything the Aloware simulator remembers, and its id counters (mutable: read them through the state). */

import { alowareTimestamp, FaultInjector, type RequestLogEntry, WebhookQueue } from '../kit/index.ts';
import { DEFAULT_DISPOSITIONS, DEFAULT_TOKEN, DEFAULT_USERS } from './constants.ts';
import type {
  AlowareCompany,
  AlowareContact,
  AlowareSimulatorOptions,
  AlowareTag,
  AlowareUser,
  CallDisposition,
  PowerDialerList,
  SentSms,
  WebhookAuth,
} from './types.ts';

export type AlowareState = ReturnType<typeof createAlowareState>;

export function createAlowareState(options: AlowareSimulatorOptions) {
  const company: AlowareCompany = {
    companyId: 7001,
    lineId: 63901,
    lineNumber: '+12025550100',
    ringGroupId: 29101,
    ...options.company,
  };
  const clock = options.clock ?? (() => new Date());
  const faults = new FaultInjector();
  faults.latencyMs = options.latencyMs ?? 0;
  const tags = new Map<number, AlowareTag>();
  const seedTime = '2025-11-09 20:57:27';
  const seedTagId = 2292;
  tags.set(seedTagId, {
    id: seedTagId,
    company_id: company.companyId,
    category: 1,
    type: 1,
    name: 'Webinar 2026',
    description: null,
    color: '#409EFF',
    created_at: seedTime,
    updated_at: seedTime,
  });
  return {
    options,
    tokens: Array.isArray(options.apiToken) ? options.apiToken : [options.apiToken ?? DEFAULT_TOKEN],
    company,
    clock,
    now: () => alowareTimestamp(clock()),
    customFields: options.customFields ?? ['investor_tier'],
    users: structuredClone(options.users ?? DEFAULT_USERS) as AlowareUser[],
    dispositions: [...(options.callDispositions ?? DEFAULT_DISPOSITIONS)] as CallDisposition[],
    subscribed: options.events ? new Set(options.events) : undefined,
    emitFromApi: options.emitContactEventsFromApi ?? true,
    webhookUrl: options.webhookUrl as string | undefined,
    webhookAuth: (options.webhookAuth ?? { type: 'none' }) as WebhookAuth,
    contacts: new Map<number, AlowareContact>(),
    byPhone: new Map<string, number>(),
    tags,
    lists: new Map<number, PowerDialerList>(),
    leadSources: new Map<string, number>(),
    sentSms: [] as SentSms[],
    failingSms: new Set<string>(),
    requests: [] as RequestLogEntry[],
    faults,
    queue: new WebhookQueue<string>({ timeoutMs: options.webhookTimeoutMs ?? 30_000 }),
    // The fixtures' ids by default; `idOffset` moves them so a restarted simulator does not reuse ids a
    // persistent projection already knows as someone else.
    nextContactId: 155091901 + (options.idOffset ?? 0),
    nextCommunicationId: 940868601 + (options.idOffset ?? 0),
    nextTagId: seedTagId + 1,
    nextListId: 396726,
    nextTranscriptionId: 11301,
  };
}
