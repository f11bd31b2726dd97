/**
 * GHL's official OpenAPI files (copied unmodified from GoHighLevel/highlevel-api-docs, CC0, see contracts/ghl/README.md),
 * compiled with ajv. The simulator validates request bodies and its own responses with them; the contract tests
 * use the same validator.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;

const BASE = 'https://ghl-simulator.local/';
const SPEC_FILES = {
  contacts: 'apps/contacts.json',
  conversations: 'apps/conversations.json',
  oauth: 'apps/oauth.json',
  common: 'common/common-schemas.json',
} as const;
export type GhlSpecName = Exclude<keyof typeof SPEC_FILES, 'common'>;

function loadJson(file: string): Json {
  return JSON.parse(
    readFileSync(new URL(`../../contracts/ghl/${file.split('/').pop()}`, import.meta.url), 'utf8'),
  ) as Json;
}

/**
 * Known defects of the 2026-05-01 snapshot that the simulator deliberately does not enforce (ghl-api.md §3.3, §3.4,
 * §2.9). Applied to the simulator's copy of the schema only; the files on disk stay byte-identical.
 */
const REQUIRED_OVERRIDES: Record<string, Record<string, string[]>> = {
  conversations: {
    // `subType` and `status` became required by a generator artefact; the Aug-2025 spec required type + contactId.
    SendMessageBodyDto: ['type', 'contactId'],
    // conversationProviderId is not required for the default SMS provider (ConversationProviders.md).
    ProcessMessageBodyDto: ['type', 'conversationId', 'contactId'],
  },
};

/**
 * Properties the snapshot types wrongly. `ProcessMessageBodyDto.direction` is declared `type: object` while its
 * description ("Message direction, if required can be set manually, default is outbound") and its example
 * (`["outbound", "inbound"]`) are strings: the relay imports a text sent outside GHL with `direction: "outbound"`.
 */
const PROPERTY_OVERRIDES: Record<string, Record<string, Record<string, Json>>> = {
  conversations: {
    ProcessMessageBodyDto: { direction: { type: 'string', enum: ['outbound', 'inbound'] } },
  },
};

export interface SpecError {
  path: string;
  message: string;
}

export interface GhlSpec {
  /** Validates `data` against `#/components/schemas/<schema>` of the named spec. */
  validateSchema(spec: GhlSpecName, schema: string, data: unknown): SpecError[];
  /** Validates a response body against the operation's declared response schema (if it declares one). */
  validateResponse(
    spec: GhlSpecName,
    method: string,
    path: string,
    status: number,
    body: unknown,
  ): SpecError[];
  /** The property names a request schema declares (for GHL's strict DTO whitelisting). */
  schemaProperties(spec: GhlSpecName, schema: string): string[];
  /** The raw (unmodified) spec document. */
  document(spec: GhlSpecName): Json;
}

function describe(errors: ErrorObject[] | null | undefined): SpecError[] {
  return (errors ?? []).map((e) => ({
    path: e.instancePath,
    message: `${e.instancePath || '/'} ${e.message ?? ''}`,
  }));
}

let cached: GhlSpec | undefined;

export function ghlSpec(): GhlSpec {
  if (cached) return cached;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const raw: Record<string, Json> = {};
  for (const [name, file] of Object.entries(SPEC_FILES)) {
    const doc = loadJson(file);
    raw[name] = doc;
    const copy = structuredClone(doc);
    const schemas = (copy.components as { schemas: Record<string, Json> }).schemas;
    for (const [schemaName, required] of Object.entries(REQUIRED_OVERRIDES[name] ?? {})) {
      const target = schemas[schemaName];
      if (target) target.required = required;
    }
    for (const [schemaName, properties] of Object.entries(PROPERTY_OVERRIDES[name] ?? {})) {
      const target = schemas[schemaName]?.properties as Record<string, Json> | undefined;
      if (target) Object.assign(target, properties);
    }
    ajv.addSchema({ $id: BASE + file, components: copy.components }, BASE + file);
  }
  const compiled = new Map<string, ValidateFunction>();
  const validator = (spec: string, ref: string): ValidateFunction => {
    const key = `${spec}${ref}`;
    let fn = compiled.get(key);
    if (!fn) {
      fn = ajv.compile({ $ref: `${BASE}${SPEC_FILES[spec as GhlSpecName]}${ref}` });
      compiled.set(key, fn);
    }
    return fn;
  };
  const schemaOf = (spec: GhlSpecName, schema: string): Json | undefined =>
    (raw[spec]?.components as { schemas: Record<string, Json> } | undefined)?.schemas[schema];

  cached = {
    validateSchema(spec, schema, data) {
      const fn = validator(spec, `#/components/schemas/${schema}`);
      return fn(data) ? [] : describe(fn.errors);
    },
    validateResponse(spec, method, path, status, body) {
      const paths = raw[spec]?.paths as Record<string, Record<string, Json>>;
      const op = paths[path]?.[method.toLowerCase()] as
        | { responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }
        | undefined;
      if (!op) return [{ path: '', message: `operation ${method} ${path} is not in the ${spec} spec` }];
      const response = op.responses?.[String(status)];
      if (!response) return [{ path: '', message: `status ${status} is not declared for ${method} ${path}` }];
      const schema = response.content?.['application/json']?.schema;
      if (!schema) return [];
      const key = `resp:${spec}:${method}:${path}:${status}`;
      let fn = compiled.get(key);
      if (!fn) {
        fn = ajv.compile(rebase(schema, spec));
        compiled.set(key, fn);
      }
      return fn(body) ? [] : describe(fn.errors);
    },
    schemaProperties(spec, schema) {
      return Object.keys((schemaOf(spec, schema)?.properties as Json | undefined) ?? {});
    },
    document(spec) {
      return raw[spec] as Json;
    },
  };
  return cached;
}

/** Rewrites local and relative `$ref`s of an inline response schema to absolute ids. */
function rebase(schema: Json, spec: GhlSpecName): Json {
  const text = JSON.stringify(schema)
    .replaceAll('"#/components/', `"${BASE}${SPEC_FILES[spec]}#/components/`)
    .replaceAll('"../common/common-schemas.json#', `"${BASE}common/common-schemas.json#`);
  return JSON.parse(text) as Json;
}
