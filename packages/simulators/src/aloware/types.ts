import type { FaultSpec } from '../kit/index.ts';

export interface AlowareUser {
  id: number;
  name: string;
  email: string;
  /** 0 Offline, 1 Available, 2 Busy, 3 On Break, 4 On Call, 5 Wrap-up, 6 Ringing. */
  agent_status: number;
  human_readable_agent_status: string;
}

export interface AlowareTag {
  id: number;
  company_id: number;
  category: number;
  type: number;
  name: string;
  description: string | null;
  color: string;
  created_at: string;
  updated_at: string;
}

/** The contact object exactly as Aloware nests it in webhooks (key order of the fixture; custom fields are flat keys). */
export interface AlowareContact {
  id: number;
  company_id: number;
  user_id: number | null;
  initial_campaign_id: number | null;
  disposition_status_id: number | null;
  lead_source_id: number | null;
  intake_source: string;
  contact_source: string | null;
  phone_number: string;
  company_name: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  timezone: string | null;
  cnam_city: string | null;
  cnam_state: string | null;
  cnam_zipcode: string | null;
  cnam_country: string | null;
  is_dnc: boolean;
  is_blocked: boolean;
  is_opted_out: boolean;
  created_at: string;
  sequence_id: number | null;
  workflow_id: number | null;
  tags: AlowareTag[];
  [key: string]: unknown;
}

export interface PowerDialerList {
  id: number;
  name: string;
  /** The user whose power dialer this list is (null for shared lists). */
  userId: number | null;
  /** Contact ids in dialing order. */
  contactIds: number[];
}

export interface SentSms {
  communicationId: number;
  to: string;
  from: string;
  /** Kept for test assertions only; the simulator never logs it. */
  message: string;
  userId: number | null;
  imageUrl: string | null;
  outcome: 'delivered' | 'invalid';
  at: Date;
}

export type WebhookAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

export interface AlowareCompany {
  companyId: number;
  /** Aloware calls lines "campaigns": `campaign_id` in payloads. */
  lineId: number;
  lineNumber: string;
  ringGroupId: number;
}

export interface CallDisposition {
  id: number;
  name: string;
}

export interface AlowareSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added to the first contact and communication ids (default 0: the fixtures' ids). */
  idOffset?: number;
  host?: string;
  /** Accepted `api_token` value(s). Default `TEST-TOKEN-0001`. */
  apiToken?: string | string[];
  /** Where webhooks are POSTed; none are sent when absent. Can be changed later with `setWebhook`. */
  webhookUrl?: string;
  /** Authorization the receiver configured in Aloware's UI: None, Basic or Bearer. */
  webhookAuth?: WebhookAuth;
  /** Aloware's per-webhook "Delay" setting, in ms (default 0). */
  webhookDelayMs?: number;
  /** How long a delivery may take before it is abandoned (default 30 s; the real one waits ≥ 110 s). */
  webhookTimeoutMs?: number;
  /** Latency added to every API request (ms). */
  latencyMs?: number;
  /** Subscribed events (canonical wire names, e.g. `OutboundPhoneCall`); all when absent. */
  events?: string[];
  /** Spelling of the four contact event names on the wire (their real names are unpublished). Default `dashed`. */
  contactEventNaming?: 'dashed' | 'spaced' | 'camel';
  /** Whether Lead-API writes fire contact webhooks (as the UI does). Default true. */
  emitContactEventsFromApi?: boolean;
  /** Also emit `Transcription-Saved` after an answered call (secondary-source event). Default false. */
  emitTranscriptionSaved?: boolean;
  company?: Partial<AlowareCompany>;
  users?: AlowareUser[];
  callDispositions?: CallDisposition[];
  /** Account-defined custom contact fields (flat keys on the contact). Default `['investor_tier']`. */
  customFields?: string[];
  /** Two-legged calls: whether the agent leg is answered (default) or the call fails. */
  twoLeggedOutcome?: 'answered' | 'failed';
  /** The simulator's clock (for payload timestamps). */
  clock?: () => Date;
}

export type { FaultSpec };

/** Lead-API fields accepted by `/webhook/forms` and by the contact drivers. */
export interface LeadFields {
  phone_number?: string;
  first_name?: string | null;
  last_name?: string | null;
  name?: string | null;
  email?: string | null;
  company_name?: string | null;
  lead_source?: string | null;
  timezone?: string | null;
  address?: string | null;
  city?: string | null;
  state?: string | null;
  zipcode?: string | null;
  country?: string | null;
  website?: string | null;
  notes?: string | null;
  csf1?: string | null;
  csf2?: string | null;
  date_of_birth?: string | null;
  user_id?: number | string | null;
  disposition_status_id?: number | string | null;
  /** Comma-separated names (as on the wire) or an array. */
  tags?: string | string[];
  tag_id?: number | string;
  /** Comma-separated ids (as on the wire) or an array. */
  list_ids?: string | number[];
  add_to_powerdialer?: boolean | number | string;
  powerdialer_position?: 'top' | 'bottom';
  sequence_id?: number | string;
  force_update_sequence?: boolean | number | string;
  is_dnc?: boolean | number | string;
  line_id?: number | string;
  [customField: string]: unknown;
}
