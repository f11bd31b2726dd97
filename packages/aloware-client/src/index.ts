export { type AlowareClient, type AlowareClientOptions, createAlowareClient } from './client.ts';
export type {
  ContactFormInput,
  ContactFormResult,
  EnrollSequenceInput,
  SendSmsInput,
  SequenceTarget,
  TwoLeggedCallInput,
} from './inputs.ts';
export {
  type AlowareContact,
  type AlowareUser,
  alowareContactSchema,
  alowareTagSchema,
  alowareTimestampSchema,
  alowareUserSchema,
} from './schemas.ts';
