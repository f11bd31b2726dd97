export {
  alowareTimestamp,
  type Delivery as SimulatorDelivery,
  type FaultSpec as SimulatorFaultSpec,
  type RequestLogEntry as SimulatorRequestLogEntry,
} from '../kit/index.ts';
export {
  apiFixture as alowareApiFixture,
  type FixtureEvent as AlowareFixtureEvent,
  fixtureBody as alowareFixtureBody,
  fixtureEnvelope as alowareFixtureEnvelope,
  fixturePath as alowareFixturePath,
  WEBHOOK_FIXTURE_FILES as ALOWARE_WEBHOOK_FIXTURE_FILES,
} from './fixtures.ts';
export {
  ALOWARE_SPA_HTML,
  type AlowareEventName,
  type AlowareSimulator,
  type CallResult as AlowareCallResult,
  type InboundCallInput as AlowareInboundCallInput,
  type OutboundCallInput as AlowareOutboundCallInput,
  startAlowareSimulator,
} from './simulator.ts';
export type {
  AlowareCompany,
  AlowareContact as AlowareSimContact,
  AlowareSimulatorOptions,
  AlowareTag as AlowareSimTag,
  AlowareUser as AlowareSimUser,
  CallDisposition as AlowareCallDisposition,
  LeadFields as AlowareLeadFields,
  PowerDialerList as AlowarePowerDialerList,
  SentSms as AlowareSentSms,
  WebhookAuth as AlowareWebhookAuth,
} from './types.ts';
