import { z } from 'zod';
import { IsoDateTime } from './scalars.ts';

export const NoteData = z
  .object({
    noteId: z.string().min(1),
    ghlContactId: z.string().nullable(),
    body: z.string().nullable(),
    sourceCreatedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'NoteData' });
export type NoteData = z.infer<typeof NoteData>;
