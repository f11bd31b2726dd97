/** zod schemas of what Aloware answers (see shared/contracts/aloware/api). Unknown keys are kept. */
import { z } from 'zod';

/** Aloware's naive timestamp `YYYY-MM-DD HH:MM:SS` (no zone). */
export const alowareTimestampSchema = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

export const alowareTagSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  company_id: z.number().int().optional(),
  color: z.string().nullable().optional(),
});

/**
 * The contact object (lookup answer and webhook `contact`). Account custom fields arrive as extra flat keys,
 * which a loose object keeps.
 */
export const alowareContactSchema = z.looseObject({
  id: z.number().int(),
  company_id: z.number().int().nullable().optional(),
  user_id: z.number().int().nullable().optional(),
  phone_number: z.string(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  company_name: z.string().nullable().optional(),
  timezone: z.string().nullable().optional(),
  lead_source: z.string().nullable().optional(),
  intake_source: z.string().nullable().optional(),
  disposition_status_id: z.number().int().nullable().optional(),
  cnam_city: z.string().nullable().optional(),
  cnam_state: z.string().nullable().optional(),
  cnam_zipcode: z.string().nullable().optional(),
  cnam_country: z.string().nullable().optional(),
  address: z.string().nullable().optional(),
  csf1: z.string().nullable().optional(),
  csf2: z.string().nullable().optional(),
  is_dnc: z.boolean().optional(),
  is_blocked: z.boolean().optional(),
  is_opted_out: z.boolean().optional(),
  sequence_id: z.number().int().nullable().optional(),
  created_at: alowareTimestampSchema.nullable().optional(),
  tags: z.array(alowareTagSchema).optional(),
});

export type AlowareContact = z.infer<typeof alowareContactSchema>;

export const messageResponseSchema = z.looseObject({ message: z.string() });

export const alowareUserSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  agent_status: z.number().int(),
  human_readable_agent_status: z.string(),
});

export type AlowareUser = z.infer<typeof alowareUserSchema>;

export const usersResponseSchema = z.array(alowareUserSchema);

/** Shapes of error bodies: `{"error": …}`, `{"message": …}`, Laravel `{"errors": {field: [..]}}`. */
export const errorBodySchema = z.looseObject({
  error: z.string().optional(),
  message: z.string().optional(),
  errors: z.record(z.string(), z.array(z.string())).optional(),
});
