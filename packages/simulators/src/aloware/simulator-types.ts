/** What tests and the control plane drive the Aloware simulator with: its handle and the call drivers' inputs. */

import type { Delivery, FaultSpec, RequestLogEntry } from '../kit/index.ts';
import type { AlowareEventName } from './constants.ts';
import type {
  AlowareContact,
  AlowareTag,
  AlowareUser,
  LeadFields,
  PowerDialerList,
  SentSms,
  WebhookAuth,
} from './types.ts';

export interface OutboundCallInput {
  /** The contact's number (any format); a contact is created when unknown. */
  contactPhone: string;
  /** true (default): answered, 6 webhooks; false: the call fails, 2 webhooks. */
  answered?: boolean;
  /** The agent placing the call (default: the contact's owner, else the first user). */
  userId?: number;
  /** Talk time in seconds (default 63). */
  talkTimeSec?: number;
  /** Name of the account's call disposition the agent picks (default `Call back`). */
  callDisposition?: string;
  /** Aloware creator_type (1 manual, 2 API, 3 sequence, 5 power dialer …; default 5). */
  creatorType?: number;
  /** Summary markdown for the AI-summary events. */
  summary?: string;
}

export interface InboundCallInput {
  contactPhone: string;
  /** true (default): answered (3 webhooks); false: missed (2 webhooks). */
  answered?: boolean;
  /** With `answered: false`: the caller left a voicemail (initiated, disposition, `Voicemail-Saved`). */
  voicemail?: boolean;
  userId?: number;
  talkTimeSec?: number;
  callDisposition?: string;
}

export interface CallResult {
  communicationId: number;
  contactId: number;
  /** The canonical event names enqueued, in order. */
  events: AlowareEventName[];
}

export interface AlowareSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the API is under `/api/v1/webhook`). */
  url: string;
  /** Base URL of the public API (`<url>/api/v1/webhook`). */
  apiUrl: string;
  apiToken: string;
  close(): Promise<void>;

  // ---- state ----
  contacts(): AlowareContact[];
  contact(phoneOrId: string | number): AlowareContact | undefined;
  lists(): PowerDialerList[];
  tags(): AlowareTag[];
  users(): AlowareUser[];
  readonly sentSms: SentSms[];
  /** Every API request, secrets redacted. */
  readonly requests: RequestLogEntry[];
  /** Every webhook attempt in order, with the receiver's status (null + `error` when it failed). */
  readonly deliveries: Delivery<string>[];
  /** Resolves when every webhook enqueued so far has been attempted. */
  idle(): Promise<void>;

  // ---- configuration / faults ----
  setWebhook(url: string | undefined, auth?: WebhookAuth): void;
  failNext(n: number, spec?: FaultSpec): void;
  setLatency(ms: number): void;
  setUserStatus(userId: number, agentStatus: number): void;
  /** SMS sent to this number from now on end as `OutboundSMS-DispositionInvalid`. */
  failSmsTo(phone: string): void;

  // ---- drivers (things a user does in Aloware that produce webhooks) ----
  /** A contact typed in Aloware's UI; `duplicate` allows a phone another contact has (the UI does). */
  createContact(
    fields: LeadFields & { phone_number: string },
    options?: { duplicate?: boolean },
  ): AlowareContact;
  updateContact(phoneOrId: string | number, fields: LeadFields): AlowareContact;
  setDnc(phoneOrId: string | number, isDnc: boolean): AlowareContact;
  disposeContact(phoneOrId: string | number, dispositionStatusId: number): AlowareContact;
  createList(input: { id?: number; name: string; userId?: number | null }): PowerDialerList;
  placeOutboundCall(input: OutboundCallInput): CallResult;
  receiveInboundCall(input: InboundCallInput): CallResult;
  receiveSms(input: { from: string; to?: string; body: string }): CallResult;
  bookAppointment(input: { contactPhone: string; title: string; userId?: number }): CallResult;
  sendTestPayload(): void;
}
