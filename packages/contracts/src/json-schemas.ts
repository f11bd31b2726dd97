import { z } from 'zod';
import { Command } from './command.ts';
import { ContactMapped } from './contact-mapped.ts';
import { EventEnvelope } from './events.ts';
import { SyncOutcome } from './sync-outcome.ts';
import { TOPICS } from './topics.ts';

export interface SchemaDocument {
  /** File name under `schemas/`. */
  file: string;
  /** Topics whose `<topic>-value` subject carries this schema. */
  subjectTopics: string[];
  schema: Record<string, unknown>;
  /** The zod contract the JSON Schema is generated from: a value it accepts, the registered schema accepts. */
  contract: z.ZodType;
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

// The registry client compiles schemas with a strict Ajv that knows no formats and throws on `format`;
// zod also emits a `pattern` for every format that matters (uuid, date-time), so dropping `format` loses nothing.
function withoutFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutFormats);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'format' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutFormats(value)]),
  );
}

function toWireSchema(schema: z.ZodType, title: string): Record<string, unknown> {
  const generated = withoutFormats(z.toJSONSchema(schema, { target: 'draft-7' })) as Record<string, unknown>;
  return { $schema: DRAFT_07, title, ...generated };
}

/** The JSON Schemas registered in the schema registry, generated from the zod contracts. */
export function schemaDocuments(): SchemaDocument[] {
  return [
    {
      file: 'event-envelope.json',
      subjectTopics: [TOPICS.aloware, TOPICS.ghl, TOPICS.texting],
      schema: toWireSchema(EventEnvelope, 'EventEnvelope'),
      contract: EventEnvelope,
    },
    {
      file: 'command.json',
      subjectTopics: [TOPICS.commands],
      schema: toWireSchema(Command, 'Command'),
      contract: Command,
    },
    {
      file: 'sync-outcome.json',
      subjectTopics: [TOPICS.outcomes],
      schema: toWireSchema(SyncOutcome, 'SyncOutcome'),
      contract: SyncOutcome,
    },
    {
      file: 'contact-mapped.json',
      subjectTopics: [TOPICS.contactMappings],
      schema: toWireSchema(ContactMapped, 'ContactMapped'),
      contract: ContactMapped,
    },
  ];
}

/** File content exactly as committed under `schemas/`. */
export function renderSchemaDocument(document: SchemaDocument): string {
  return `${JSON.stringify(document.schema, null, 2)}\n`;
}
