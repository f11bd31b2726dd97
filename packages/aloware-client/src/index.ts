export {
  type AlowareClient,
  type AlowareClientOptions,
  type ContactFormInput,
  type ContactFormResult,
  createAlowareClient,
  type EnrollSequenceInput,
  type SendSmsInput,
  type SequenceTarget,
  type TwoLeggedCallInput,
} from './client.ts';
export {
  type AlowareContact,
  type AlowareUser,
  alowareContactSchema,
  alowareTagSchema,
  alowareTimestampSchema,
  alowareUserSchema,
} from './schemas.ts';
