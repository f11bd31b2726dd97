/** Texts in and out (carrier STOP handling included) and booked appointments. */
import { detectConsentKeyword } from '@df/contracts';
import { alowareTimestamp } from '../kit/index.ts';
import type { Communications } from './communications.ts';
import type { ContactStore } from './contacts.ts';
import type { CallResult } from './simulator-types.ts';
import type { AlowareState } from './state.ts';
import type { WebhookOut } from './webhook-out.ts';

export type Messaging = ReturnType<typeof messaging>;

export function messaging(
  st: AlowareState,
  { emit }: WebhookOut,
  { contactFor }: ContactStore,
  { userById, communicationBase, communicationBody, agentValues, engage, seconds }: Communications,
) {
  const { clock, users, sentSms, failingSms } = st;

  function receiveSms(input: { from: string; to?: string; body: string }): CallResult {
    const { contact } = contactFor(input.from, 'voip-sms');
    const at = clock();
    // Carrier-level STOP handling (CRM saw `is_opted_out`); the keywords are the architecture's consent rule.
    const consent = detectConsentKeyword(input.body)?.action;
    if (consent === 'opted_out') contact.is_opted_out = true;
    if (consent === 'opted_in') contact.is_opted_out = false;
    engage(contact, at, input.body.slice(0, 60), 'inbound_sms_count');
    contact.unread_count = Number(contact.unread_count ?? 0) + 1;
    const base = communicationBase({
      contact,
      direction: 1,
      type: 2,
      creatorType: 1,
      ownerId: contact.user_id ?? -1,
      createdAt: at,
      destination: null,
      body: input.body,
    });
    emit(
      'InboundSMS-DispositionCompleted',
      communicationBody(
        'InboundSMS-DispositionCompleted',
        {
          ...base,
          ...agentValues(undefined),
          current_status: 'received',
          current_status2: 11,
          disposition_status: 'completed',
          disposition_status2: 4,
          updated_at: base.created_at,
        },
        contact,
      ),
    );
    return { communicationId: base.id, contactId: contact.id, events: ['InboundSMS-DispositionCompleted'] };
  }

  function sendSms(args: {
    to: string;
    from: string;
    message: string;
    userId: number | null;
    imageUrl: string | null;
  }): void {
    const { contact } = contactFor(args.to, 'voip-sms');
    const at = clock();
    const user = userById(args.userId);
    const invalid = failingSms.has(contact.phone_number);
    engage(contact, at, args.message.slice(0, 60), 'outbound_sms_count');
    const base = communicationBase({
      contact,
      direction: 2,
      type: 2,
      creatorType: 2,
      ownerId: args.userId ?? -1,
      createdAt: at,
      destination: null,
      body: args.message,
    });
    sentSms.push({
      communicationId: base.id,
      to: contact.phone_number,
      from: args.from,
      message: args.message,
      userId: args.userId,
      imageUrl: args.imageUrl,
      outcome: invalid ? 'invalid' : 'delivered',
      at,
    });
    const event = invalid ? 'OutboundSMS-DispositionInvalid' : 'OutboundSMS-DispositionCompleted';
    emit(
      event,
      communicationBody(
        event,
        {
          ...base,
          ...agentValues(user),
          user_id: args.userId,
          attachments: args.imageUrl ? [{ url: args.imageUrl }] : null,
          current_status: invalid ? 'failed' : 'delivered',
          current_status2: invalid ? 19 : 13,
          disposition_status: invalid ? 'invalid' : 'completed',
          disposition_status2: invalid ? 7 : 4,
          updated_at: alowareTimestamp(seconds(at, 2)),
        },
        contact,
      ),
    );
  }

  function bookAppointment(input: { contactPhone: string; title: string; userId?: number }): CallResult {
    const { contact } = contactFor(input.contactPhone, 'ui');
    const agent = userById(input.userId ?? contact.user_id) ?? users[0];
    const at = clock();
    const base = communicationBase({
      contact,
      direction: 2,
      type: 12,
      creatorType: 1,
      ownerId: contact.user_id ?? agent?.id ?? -1,
      createdAt: at,
      destination: null,
      body: input.title,
    });
    emit(
      'OutboundAppointment',
      communicationBody(
        'OutboundAppointment',
        {
          ...base,
          ...agentValues(agent),
          current_status2: 9,
          disposition_status2: 11,
          updated_at: base.created_at,
        },
        contact,
      ),
    );
    return { communicationId: base.id, contactId: contact.id, events: ['OutboundAppointment'] };
  }
  return { receiveSms, sendSms, bookAppointment };
}
