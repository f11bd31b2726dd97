/** An inbound call as Aloware reports it: answered, missed, or to voicemail. */

import { alowareTimestamp } from '../kit/index.ts';
import type { Communications } from './communications.ts';
import type { AlowareEventName } from './constants.ts';
import type { ContactStore } from './contacts.ts';
import type { FixtureEvent, JsonObject } from './fixtures.ts';
import type { CallResult, InboundCallInput } from './simulator-types.ts';
import type { AlowareState } from './state.ts';
import type { WebhookOut } from './webhook-out.ts';

export type InboundCalls = ReturnType<typeof inboundCalls>;

export function inboundCalls(
  st: AlowareState,
  { emit }: WebhookOut,
  { contactFor }: ContactStore,
  {
    userById,
    dispositionByName,
    communicationBase,
    communicationBody,
    callStartValues,
    answeredCallValues,
    engage,
    seconds,
  }: Communications,
) {
  const { clock, users } = st;
  function receiveInboundCall(input: InboundCallInput): CallResult {
    const { contact } = contactFor(input.contactPhone, 'voip-call');
    const answered = input.answered ?? true;
    const agent = userById(input.userId ?? contact.user_id) ?? users[0];
    const talk = answered ? (input.talkTimeSec ?? 148) : 0;
    const wait = answered ? 9 : input.voicemail ? 25 : 15;
    const end = clock();
    const start = seconds(end, -(wait + talk + 30));
    const base = communicationBase({
      contact,
      direction: 1,
      type: 1,
      creatorType: 1,
      ownerId: contact.user_id ?? agent?.id ?? -1,
      createdAt: start,
      destination: null,
    });
    const targets = agent ? { target_users: [[agent.id]], attempting_users: [agent.id] } : {};
    const events: AlowareEventName[] = [];
    const send = (event: FixtureEvent, values: JsonObject, name: AlowareEventName = event) => {
      events.push(name);
      emit(name, communicationBody(event, { ...base, ...targets, ...values }, contact));
    };
    const initiated: JsonObject = {
      ...callStartValues(2, base.created_at),
      has_voicemail: false,
      voicemail_duration: null,
    };
    send('InboundPhoneCall', initiated);
    const disposedAt = seconds(start, wait + talk + 3);
    if (answered) {
      engage(contact, disposedAt, '↙ Call.', 'inbound_call_count');
      const disposition = dispositionByName(input.callDisposition ?? 'Interested');
      const completed = answeredCallValues(agent, disposition, { wait, talk, disposedAt });
      send('InboundPhoneCall-DispositionCompleted', completed);
      send('Recording-Saved', { ...completed, updated_at: alowareTimestamp(seconds(disposedAt, 4)) });
    } else if (input.voicemail) {
      engage(contact, disposedAt, '↙ Voicemail.', 'inbound_call_count');
      contact.unread_voicemail_count = Number(contact.unread_voicemail_count ?? 0) + 1;
      const voicemail: JsonObject = {
        current_status: 'completed',
        current_status2: 9,
        disposition_status: 'voicemail',
        disposition_status2: 12,
        resolution2: 3,
        call_disposition: null,
        direct_recording_url: null,
        duration: wait,
        wait_time: wait,
        has_voicemail: true,
        voicemail_duration: wait - 4,
        updated_at: alowareTimestamp(disposedAt),
      };
      // The disposition event follows the `{direction}{type}-Disposition{Status}` pattern (inferred).
      send('InboundPhoneCall-DispositionMissed', voicemail, 'InboundPhoneCall-DispositionVoicemail');
      send('Voicemail-Saved', { ...voicemail, updated_at: alowareTimestamp(seconds(disposedAt, 2)) });
    } else {
      engage(contact, disposedAt, '↙ Missed call.', 'inbound_call_count');
      contact.unread_missed_call_count = Number(contact.unread_missed_call_count ?? 0) + 1;
      send('InboundPhoneCall-DispositionMissed', {
        current_status: 'completed',
        current_status2: 9,
        disposition_status: 'missed',
        disposition_status2: 3,
        call_disposition: null,
        direct_recording_url: null,
        duration: wait,
        wait_time: wait,
        updated_at: alowareTimestamp(disposedAt),
      });
    }
    return { communicationId: base.id, contactId: contact.id, events };
  }
  return { receiveInboundCall };
}
