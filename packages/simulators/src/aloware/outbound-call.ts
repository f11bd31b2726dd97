/** An outbound call as Aloware reports it: initiated, ringing/failed, completed, disposed, recording, AI summary. */

import { randomUUID } from 'node:crypto';
import { alowareTimestamp } from '../kit/index.ts';
import type { Communications } from './communications.ts';
import { type AlowareEventName, fill } from './constants.ts';
import type { ContactStore } from './contacts.ts';
import { type FixtureEvent, fixtureBody, type JsonObject } from './fixtures.ts';
import type { CallResult, OutboundCallInput } from './simulator-types.ts';
import type { AlowareState } from './state.ts';
import type { AlowareContact, AlowareUser } from './types.ts';
import type { WebhookOut } from './webhook-out.ts';

export type OutboundCalls = ReturnType<typeof outboundCalls>;

export function outboundCalls(
  st: AlowareState,
  { emit }: WebhookOut,
  { snapshot, contactFor }: ContactStore,
  {
    userById,
    dispositionByName,
    communicationBase,
    communicationBody,
    callStartValues,
    answeredCallValues,
    engage,
    seconds,
    summaryText,
  }: Communications,
) {
  const { options, company, clock, users } = st;
  function placeOutboundCall(input: OutboundCallInput): CallResult {
    const { contact } = contactFor(input.contactPhone, 'voip-call');
    const answered = input.answered ?? true;
    const agent = userById(input.userId ?? contact.user_id) ?? users[0];
    const talk = answered ? (input.talkTimeSec ?? 63) : 0;
    const wait = answered ? 2 : 30;
    // The call happened just now: initiation `duration + 60 s` ago, every later event ≤ now.
    const end = clock();
    const start = seconds(end, -(wait + talk + 60));
    const base = communicationBase({
      contact,
      direction: 2,
      type: 1,
      creatorType: input.creatorType ?? 5,
      ownerId: contact.user_id ?? agent?.id ?? -1,
      createdAt: start,
      destination: agent ? `client:agent${agent.id}` : null,
    });
    const events: AlowareEventName[] = [];
    const send = (event: AlowareEventName & FixtureEvent, values: JsonObject) => {
      events.push(event);
      emit(event, communicationBody(event, { ...base, ...values }, contact));
    };
    const initiated = callStartValues(1, base.created_at);
    send('OutboundPhoneCall', initiated);
    const disposedAt = seconds(start, wait + talk + 5);
    engage(contact, disposedAt, '↗ Call.', 'outbound_call_count');
    if (!answered) {
      send('OutboundPhoneCall-DispositionFailed', {
        ...initiated,
        current_status: 'completed',
        current_status2: 9,
        disposition_status: 'failed',
        disposition_status2: 5,
        call_disposition: null,
        direct_recording_url: null,
        duration: wait,
        wait_time: wait,
        updated_at: alowareTimestamp(disposedAt),
      });
      return { communicationId: base.id, contactId: contact.id, events };
    }
    const disposition = dispositionByName(input.callDisposition ?? 'Call back');
    const completed: JsonObject = {
      ...answeredCallValues(agent, disposition, { wait, talk, disposedAt }),
      resolution2: 1,
      hold_time: 0,
      has_transcription: false,
    };
    send('OutboundPhoneCall-DispositionCompleted', completed);
    send('Recording-Saved', { ...completed, updated_at: alowareTimestamp(seconds(disposedAt, 4)) });
    send('Call-Disposed', { ...completed, updated_at: alowareTimestamp(seconds(disposedAt, 7)) });
    const transcribedAt = seconds(disposedAt, 22);
    if (options.emitTranscriptionSaved) {
      send('Transcription-Saved', {
        ...completed,
        has_transcription: true,
        updated_at: alowareTimestamp(transcribedAt),
        parsed_transcription: parsedTranscription(agent, contact),
      });
    }
    const summarizedAt = seconds(disposedAt, 48);
    const communication = communicationBody(
      'OutboundPhoneCall-DispositionCompleted',
      { ...base, ...completed },
      contact,
    );
    const summary = input.summary ?? summaryText(contact, agent);
    const transcription = fill(
      structuredClone(fixtureBody('transcription.call.summarized').transcription as JsonObject),
      {
        id: st.nextTranscriptionId++,
        transcription_id: randomUUID(),
        opensearch_id: randomUUID(),
        communication_id: base.id,
        user_id: agent?.id ?? null,
        summary_created_at: alowareTimestamp(summarizedAt),
        created_at: alowareTimestamp(transcribedAt),
        updated_at: alowareTimestamp(summarizedAt),
        company_id: company.companyId,
      },
    );
    events.push('transcription.call.summarized');
    emit(
      'transcription.call.summarized',
      fill(fixtureBody('transcription.call.summarized'), {
        summary,
        json_summary: {
          call_summary: summary.split('\n\n')[1] ?? summary,
          reason_for_the_call: 'Follow-up.',
          call_outcomes: 'The contact asked for a call back.',
          agent_action_items_after_the_call: ['Schedule a call back.'],
          customer_action_items_after_the_call: [],
        },
        transcription,
        contact: snapshot(contact),
        communication,
      }),
    );
    events.push('transcription.open_search.saved');
    emit(
      'transcription.open_search.saved',
      fill(fixtureBody('transcription.open_search.saved'), {
        parsed_transcription: parsedTranscription(agent, contact),
        transcription: structuredClone(transcription),
        contact: snapshot(contact),
        communication: structuredClone(communication),
        summary,
      }),
    );
    return { communicationId: base.id, contactId: contact.id, events };
  }

  function parsedTranscription(agent: AlowareUser | undefined, contact: AlowareContact): JsonObject {
    return {
      messages: [
        { start: 1200, end: 4100, speaker: 'AGENT', text: `Hi, this is ${agent?.name ?? 'your agent'}.` },
        { start: 4300, end: 6900, speaker: 'CONTACT', text: `Hi, ${contact.first_name ?? 'here'} speaking.` },
      ],
      talk_time_analysis: { AGENT: 55, CONTACT: 45 },
    };
  }
  return { placeOutboundCall, parsedTranscription };
}
