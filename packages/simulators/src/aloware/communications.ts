/** What every communication webhook shares: ids, the line, agent fields, engagement counters. */

import { randomUUID } from 'node:crypto';
import { alowareTimestamp } from '../kit/index.ts';
import { fill } from './constants.ts';
import type { ContactStore } from './contacts.ts';
import { type FixtureEvent, fixtureBody, type JsonObject } from './fixtures.ts';
import type { AlowareState } from './state.ts';
import type { AlowareContact, AlowareUser, CallDisposition } from './types.ts';

export interface CommBase extends JsonObject {
  id: number;
  contact_id: number;
}

export type Communications = ReturnType<typeof communications>;

export function communications(st: AlowareState, { snapshot }: ContactStore) {
  const { company, users, dispositions } = st;
  // ---------------------------------------------------------------- communications
  function userById(id: number | null | undefined): AlowareUser | undefined {
    return id === null || id === undefined ? undefined : users.find((u) => u.id === id);
  }

  function dispositionByName(name: string): CallDisposition {
    let disposition = dispositions.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!disposition) {
      disposition = { id: Math.max(31200, ...dispositions.map((d) => d.id)) + 1, name };
      dispositions.push(disposition);
    }
    return disposition;
  }

  function communicationBase(args: {
    contact: AlowareContact;
    direction: 1 | 2;
    type: 1 | 2 | 12;
    creatorType: number;
    ownerId: number;
    createdAt: Date;
    destination: string | null;
    body?: string;
  }): CommBase {
    return {
      id: st.nextCommunicationId++,
      company_id: company.companyId,
      campaign_id: company.lineId,
      ring_group_id: company.ringGroupId,
      owner_id: args.ownerId,
      creator_type: args.creatorType,
      incoming_number: company.lineNumber,
      contact_id: args.contact.id,
      lead_number: args.contact.phone_number,
      destination_number: args.destination,
      attempt: 1,
      direction: args.direction,
      type: args.type,
      body: args.body ?? '',
      country: args.contact.cnam_country ?? 'US',
      state: args.contact.cnam_state ?? null,
      city: args.contact.cnam_city ? String(args.contact.cnam_city).toUpperCase() : null,
      created_at: alowareTimestamp(args.createdAt),
    };
  }

  /** Builds one webhook body from the event's fixture, filling the communication's current values. */
  function communicationBody(event: FixtureEvent, values: JsonObject, contact: AlowareContact): JsonObject {
    return fill(fixtureBody(event), { ...values, contact: snapshot(contact) });
  }

  function agentValues(user: AlowareUser | undefined): JsonObject {
    return {
      user_id: user?.id ?? null,
      user: user ? { name: user.name } : null,
      user_email: user?.email ?? null,
    };
  }

  /** A call's first event: nobody on it yet, nothing timed. */
  function callStartValues(status2: number, updatedAt: JsonObject[string]): JsonObject {
    return {
      ...agentValues(undefined),
      call_disposition_id: null,
      current_status2: status2,
      disposition_status2: 1,
      resolution2: 1,
      customer_leg_status: null,
      duration: 0,
      talk_time: 0,
      wait_time: 0,
      hold_time: 0,
      has_recording: false,
      has_transcription: false,
      updated_at: updatedAt,
    };
  }

  /** A call an agent answered and disposed of, recorded. */
  function answeredCallValues(
    agent: AlowareUser | undefined,
    disposition: CallDisposition,
    timing: { wait: number; talk: number; disposedAt: Date },
  ): JsonObject {
    return {
      ...agentValues(agent),
      call_disposition_id: disposition.id,
      call_disposition: disposition.name,
      current_status: 'completed',
      current_status2: 9,
      disposition_status: 'completed',
      disposition_status2: 4,
      customer_leg_status: 6,
      duration: timing.wait + timing.talk,
      talk_time: timing.talk,
      wait_time: timing.wait,
      has_recording: true,
      direct_recording_url: `https://app.aloware.io/static/recording/${randomUUID()}`,
      updated_at: alowareTimestamp(timing.disposedAt),
    };
  }

  function engage(contact: AlowareContact, at: Date, text: string, counter: string): void {
    contact.nb_communications = Number(contact.nb_communications ?? 0) + 1;
    contact[counter] = Number(contact[counter] ?? 0) + 1;
    contact.last_engagement_at = alowareTimestamp(at);
    contact.last_engagement_text = text;
  }

  function seconds(base: Date, s: number): Date {
    return new Date(base.getTime() + s * 1000);
  }

  function summaryText(contact: AlowareContact, user: AlowareUser | undefined): string {
    const who = contact.name ?? contact.phone_number;
    return (
      `### Call Summary\n\nThe agent ${user?.name ?? ''} spoke with ${who}.\n\n` +
      '### Call outcomes\n\nThe contact asked for a call back.\n\n' +
      '### Agent action items after the call\n\n- Schedule a call back.'
    );
  }
  return {
    userById,
    dispositionByName,
    communicationBase,
    communicationBody,
    agentValues,
    callStartValues,
    answeredCallValues,
    engage,
    seconds,
    summaryText,
  };
}
