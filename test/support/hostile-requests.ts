// Hostile HTTP requests derived from the service's own OpenAPI document: for every path template and method it
// lists, fast-check builds path parameters, query strings, headers and bodies from the documented schemas
// (plausible values mixed with hostile mutations), so an operation added to the document is fuzzed without a
// line here. Bodies are serialised by hand from a small JSON tree so the bytes are ours: duplicate keys,
// `__proto__` keys, number tokens JSON.stringify cannot write, nesting deeper than any parser expects,
// invalid UTF-8.
import fc from 'fast-check';

// ---- The part of OpenAPI 3.0 the generators read ------------------------------------------------------------

export interface JsonSchema {
  type?: string;
  enum?: readonly unknown[];
  const?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface OpenApiDocument {
  security?: Array<Record<string, string[]>>;
  components?: {
    securitySchemes?: Record<string, { type: string; in?: string; name?: string; scheme?: string }>;
  };
  paths: Record<string, Record<string, OperationObject>>;
}

export type Security = 'apiKey' | 'bearer' | 'none';

export interface Operation {
  /** "POST /api/v1/videos/{id}/stop": how failures name it. */
  name: string;
  method: string;
  pathTemplate: string;
  parameters: ParameterObject[];
  bodySchema: JsonSchema | undefined;
  security: Security;
  /** Documented statuses with their descriptions, e.g. a 500 the contract allows. */
  responses: Record<string, string>;
  /** For each documented status, the `error` texts its schema fixes (a `const` or `enum`), if any. */
  documentedErrors: Record<string, string[]>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function operationsOf(referencing: OpenApiDocument): Operation[] {
  const document = dereferenced(referencing);
  const schemes = document.components?.securitySchemes ?? {};
  const securityOf = (requirements: OperationObject['security']): Security => {
    const scheme = schemes[Object.keys(requirements?.[0] ?? {})[0] ?? ''];
    if (!scheme) return 'none';
    return scheme.type === 'http' && scheme.scheme === 'bearer' ? 'bearer' : 'apiKey';
  };
  const operations: Operation[] = [];
  for (const [pathTemplate, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      operations.push({
        name: `${method.toUpperCase()} ${pathTemplate}`,
        method: method.toUpperCase(),
        pathTemplate,
        parameters: operation.parameters ?? [],
        bodySchema: operation.requestBody?.content?.['application/json']?.schema,
        security: securityOf(operation.security ?? document.security),
        responses: Object.fromEntries(
          Object.entries(operation.responses ?? {}).map(([status, r]) => [status, r.description ?? '']),
        ),
        documentedErrors: Object.fromEntries(
          Object.entries(operation.responses ?? {}).map(([status, r]) => [
            status,
            fixedErrorTexts(r.content),
          ]),
        ),
      });
    }
  }
  return operations;
}

/** The document with every local `$ref` replaced by what it points at (named components are shared shapes). */
function dereferenced(document: OpenApiDocument): OpenApiDocument {
  const resolve = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((item) => resolve(item, depth));
    if (typeof value !== 'object' || value === null) return value;
    const { $ref } = value as { $ref?: unknown };
    if (typeof $ref === 'string' && $ref.startsWith('#/')) {
      if (depth > 20) return {};
      const target = $ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      return resolve(target, depth + 1);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, depth)]));
  };
  return { ...document, paths: resolve(document.paths, 0) as OpenApiDocument['paths'] };
}

function fixedErrorTexts(content: Record<string, { schema?: JsonSchema }> | undefined): string[] {
  const error = content?.['application/json']?.schema?.properties?.error;
  if (!error) return [];
  const values = [...(error.enum ?? []), error.const];
  return values.filter((v): v is string => typeof v === 'string');
}

/** How much of the run an operation gets: one share, plus one per parameter and body field it documents. */
export function inputCount(operation: Operation): number {
  return 1 + operation.parameters.length + Object.keys(operation.bodySchema?.properties ?? {}).length;
}

// ---- Schema validity, the oracle for "every bad field is named" ---------------------------------------------

/** Why `value` breaks `schema`, or null when the document allows it. Covers the keywords the document uses. */
export function schemaViolation(schema: JsonSchema, value: unknown): string | null {
  if (value === null) return schema.nullable ? null : 'null';
  if (schema.enum && !schema.enum.includes(value)) return 'not in enum';
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return 'not a string';
      // JSON Schema counts a string's length in code points (as zod does): an emoji is one, not two.
      const length = [...value].length;
      if (schema.maxLength !== undefined && length > schema.maxLength) return 'too long';
      if (schema.minLength !== undefined && length < schema.minLength) return 'too short';
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return 'pattern';
      return null;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'not a finite number';
      if (schema.type === 'integer' && !Number.isInteger(value)) return 'not an integer';
      if (schema.minimum !== undefined && value < schema.minimum) return 'below minimum';
      if (schema.maximum !== undefined && value > schema.maximum) return 'above maximum';
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : 'not a boolean';
    default:
      return null;
  }
}

// ---- JSON written by hand ------------------------------------------------------------------------------------

/** A JSON tree whose objects are entry lists (so keys can repeat) and whose leaves can be raw tokens. */
export type JsonNode =
  | null
  | boolean
  | number
  | string
  | { raw: string }
  | JsonNode[]
  | { entries: Array<[string, JsonNode]> };

export function jsonText(node: JsonNode): string {
  if (Array.isArray(node)) return `[${node.map(jsonText).join(',')}]`;
  if (node !== null && typeof node === 'object') {
    if ('raw' in node) return node.raw;
    return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(node);
}

/** What JSON.parse would make of a token or tree (raw numbers become numbers), for the validity oracle. */
function parsedValue(node: JsonNode): unknown {
  return JSON.parse(jsonText(node));
}

// ---- Values: plausible and hostile ---------------------------------------------------------------------------

/** Ids, links and other strings the service knows, so requests reach past "not found" into real state. */
export interface KnownValues {
  ids: string[];
  strings: string[];
}

export const LONG_ID_BYTES = 5_000;
const PROTO_WORDS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const CONTROL_AND_UNICODE = [
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(40),
  '\u0007\b\t\n\v\f\r\u001b\u007f',
  '\u202e\u200b\ufeff',
  '💥🇫🇷👩‍👩‍👧',
  'Ω≈ç√∫˜µ≤≥÷',
  '\u0085\u2028\u2029',
  'ＡＢＣ１２３',
  'null',
  'undefined',
  'NaN',
  "'; drop table accounts; --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%zz%',
  ' ',
  '',
];

/** Strings built to hurt: control characters (NUL too), odd unicode, object-property names, huge ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...CONTROL_AND_UNICODE), weight: 3 },
  { arbitrary: fc.constantFrom(...PROTO_WORDS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'é', '\u0000', '💥', '9'), fc.integer({ min: 300, max: LONG_ID_BYTES }))
      .map(([c, n]) => c.repeat(n)),
    weight: 1,
  },
);

/** Number tokens as written on the wire: beyond 2^53, overflowing to Infinity, negative zero, exponents. */
const hostileNumberToken = fc.constantFrom(
  '9007199254740993',
  '123456789012345678901234567890',
  '1e309',
  '-1e309',
  '1e-400',
  '-0',
  '0.0000001',
  '1.5',
  '-1',
  '0',
  '2147483648',
  '1E2',
  '30.000000000000004',
  '1e6',
);

const deepNesting = fc
  .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 100, max: 5_000 }))
  .map(([open, depth]): JsonNode => {
    const close = open === '[' ? ']' : '}';
    return { raw: open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth) };
  });

/** A value of the wrong kind, or of the right kind in a shape nobody expects. */
export const hostileValue: fc.Arbitrary<JsonNode> = fc.oneof(
  {
    arbitrary: fc.constantFrom<JsonNode>(
      null,
      true,
      false,
      0,
      -1,
      [],
      { entries: [] },
      '',
      '1',
      'true',
      [1, 2],
    ),
    weight: 2,
  },
  { arbitrary: hostileNumberToken.map((raw): JsonNode => ({ raw })), weight: 2 },
  // Most documented fields are strings: most hostile values are too.
  { arbitrary: hostileString, weight: 4 },
  {
    arbitrary: fc
      .constantFrom(...PROTO_WORDS)
      .map((word): JsonNode => ({ entries: [[word, { entries: [['x', 1]] }]] })),
    weight: 1,
  },
  { arbitrary: deepNesting, weight: 1 },
);

/** A string the service knows with a hostile fragment spliced in: a link with a NUL, a host named `constructor`. */
function splicedString(known: KnownValues): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...known.strings, ...known.ids),
      fc.oneof(fc.constantFrom(...CONTROL_AND_UNICODE, ...PROTO_WORDS), hostileString),
      fc.nat(),
      fc.constantFrom('insert', 'replace host', 'append', 'prepend'),
    )
    .map(([base, fragment, at, how]) => {
      if (how === 'append') return base + fragment;
      if (how === 'prepend') return fragment + base;
      if (how === 'replace host') return base.replace(/^(\w+:\/\/)?[^/]*/, `$1${fragment}`);
      const i = at % (base.length + 1);
      return base.slice(0, i) + fragment + base.slice(i);
    });
}

/** Hostile values, some of them built from what the service knows (its links and ids, spoiled). */
export function hostileValueFor(known: KnownValues): fc.Arbitrary<JsonNode> {
  return fc.oneof({ arbitrary: hostileValue, weight: 3 }, { arbitrary: splicedString(known), weight: 1 });
}

/** A hostile value of the documented type: a string full of NULs for a string field, 1e309 for a number. */
function typedHostileValue(schema: JsonSchema, known: KnownValues): fc.Arbitrary<JsonNode> {
  if (schema.type === 'string' && !schema.enum) {
    return fc.oneof(
      // Object-property names as values find lookups in plain objects keyed by user input.
      { arbitrary: fc.constantFrom(...PROTO_WORDS), weight: 2 },
      { arbitrary: hostileString, weight: 2 },
      { arbitrary: splicedString(known), weight: 2 },
    );
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    return hostileNumberToken.map((raw): JsonNode => ({ raw }));
  }
  return hostileValueFor(known);
}

function plausibleString(schema: JsonSchema, known: KnownValues): fc.Arbitrary<string> {
  if (schema.format === 'email') {
    return fc.integer({ min: 0, max: 1e9 }).map((n) => `fuzz-${n}@example.com`);
  }
  if (schema.format === 'date-time') {
    return fc
      .integer({ min: Date.parse('2023-01-01'), max: Date.parse('2025-01-01') })
      .map((ms) => new Date(ms).toISOString());
  }
  if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern));
  const max = Math.min(schema.maxLength ?? 40, 40);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known.strings), weight: 4 },
    { arbitrary: fc.constantFrom(...known.ids), weight: 1 },
    { arbitrary: fc.string({ minLength: schema.minLength ?? 0, maxLength: max }), weight: 1 },
  );
}

/** A value the schema allows (mostly: a plausible value is a guess, not a promise). */
export function plausibleValue(schema: JsonSchema, known: KnownValues): fc.Arbitrary<JsonNode> {
  const value = ((): fc.Arbitrary<JsonNode> => {
    if (schema.enum) return fc.constantFrom(...(schema.enum as JsonNode[]));
    switch (schema.type) {
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1_000 });
      case 'number': {
        const min = Math.max(schema.minimum ?? -100, -1e6);
        const max = Math.min(schema.maximum ?? 100, 1e6);
        return fc.integer({ min: min * 100, max: max * 100 }).map((cents) => cents / 100);
      }
      case 'boolean':
        return fc.boolean();
      case 'string':
        return plausibleString(schema, known);
      case 'object':
        return plausibleObject(schema, known).map((entries) => ({ entries }));
      default:
        return fc.constant(null);
    }
  })();
  return schema.nullable
    ? fc.oneof({ arbitrary: value, weight: 5 }, { arbitrary: fc.constant(null), weight: 1 })
    : value;
}

function plausibleObject(schema: JsonSchema, known: KnownValues): fc.Arbitrary<Array<[string, JsonNode]>> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  return fc
    .tuple(
      ...properties.map(([name, property]) =>
        required.has(name)
          ? plausibleValue(property, known).map((v) => [name, v] as [string, JsonNode])
          : fc.option(
              plausibleValue(property, known).map((v) => [name, v] as [string, JsonNode]),
              {
                nil: undefined,
              },
            ),
      ),
    )
    .map((entries) => entries.filter((e): e is [string, JsonNode] => e !== undefined));
}

/** A documented value, or (one time in three) a hostile one. */
function fieldValue(schema: JsonSchema, known: KnownValues): fc.Arbitrary<JsonNode> {
  return fc.oneof(
    { arbitrary: plausibleValue(schema, known), weight: 2 },
    { arbitrary: typedHostileValue(schema, known), weight: 1 },
    { arbitrary: hostileValueFor(known), weight: 1 },
  );
}

// ---- Requests ------------------------------------------------------------------------------------------------

export interface Credentials {
  /** Valid keys, by label: e.g. a live key with credit, a test key, a key of an account the fuzz may disable. */
  apiKeys: Record<string, string>;
  adminToken: string;
}

export interface HostileRequest {
  operation: Operation;
  /** The method sent: the operation's, or another one on its path. */
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  /** Which credential was sent, for the summary ("live", "none", "bogus key", "admin token"…). */
  credential: string;
  /**
   * Fields the document forbids in this request (body properties, query and header parameters), when the
   * request is otherwise clean enough that a 400 must name each of them; null when that cannot be said.
   */
  invalidFields: string[] | null;
  /** Strings of the request long enough that an error echoing them is a leak. */
  longInputs: string[];
  /** Whether a router can match it to the operation: its method, and a path it can decode. */
  routable: boolean;
}

const LONG_INPUT = 64;
/** Lone surrogates cannot be percent-encoded (a client sends U+FFFD in their place). */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
/** Header values a real HTTP client can send: printable Latin-1 (control characters never reach a server). */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\xa0-\xff]/g, '?');

const badPercentEncodings = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '%2F..%2F..',
  '%25',
  '%%30%30',
];

/** A path parameter: a known id, or hostile raw text put in the path as sent (bad escapes included). */
function pathValue(known: KnownValues): fc.Arbitrary<{ raw: string; decoded: string | null }> {
  const encoded = (s: string) => ({ raw: encodeURIComponent(wellFormed(s)), decoded: wellFormed(s) });
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known.ids).map(encoded), weight: 6 },
    { arbitrary: hostileString.map(encoded), weight: 2 },
    { arbitrary: splicedString(known).map(encoded), weight: 1 },
    { arbitrary: fc.constantFrom(...badPercentEncodings).map((raw) => ({ raw, decoded: null })), weight: 2 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...known.ids), fc.constantFrom(...badPercentEncodings))
        .map(([id, bad]) => ({ raw: id + bad, decoded: null })),
      weight: 1,
    },
    {
      arbitrary: fc
        .constantFrom('x', 'é')
        .map((c) => encoded(c.repeat(LONG_ID_BYTES / Buffer.byteLength(c)))),
      weight: 1,
    },
  );
}

interface QueryPart {
  text: string;
  /** The decoded value when the parameter appears once with clean encoding, for the oracle. */
  value?: { name: string; value: string };
  clean: boolean;
}

function queryPart(parameter: ParameterObject, known: KnownValues): fc.Arbitrary<QueryPart> {
  const schema = parameter.schema ?? {};
  const name = encodeURIComponent(parameter.name);
  const stringOf = (node: JsonNode) => (typeof node === 'string' ? node : jsonText(node));
  const once = fieldValue(schema, known).map((node): QueryPart => {
    const value = wellFormed(stringOf(node));
    return {
      text: `${name}=${encodeURIComponent(value)}`,
      value: { name: parameter.name, value },
      clean: true,
    };
  });
  return fc.oneof(
    { arbitrary: once, weight: 12 },
    {
      arbitrary: fc
        .tuple(plausibleValue(schema, known), fieldValue(schema, known), fc.integer({ min: 2, max: 30 }))
        .map(([a, b, times]): QueryPart => {
          const pair = [a, b].map((v) => `${name}=${encodeURIComponent(wellFormed(stringOf(v)))}`).join('&');
          return { text: Array.from({ length: Math.ceil(times / 2) }, () => pair).join('&'), clean: false };
        }),
      weight: 2,
    },
    {
      arbitrary: fc
        .constantFrom(...badPercentEncodings)
        .map((bad): QueryPart => ({ text: `${name}=${bad}`, clean: false })),
      weight: 1,
    },
    { arbitrary: fc.constant<QueryPart>({ text: `${name}[]=1&${name}[x]=2`, clean: false }), weight: 1 },
  );
}

function plausibleQueryPart(parameter: ParameterObject, known: KnownValues): fc.Arbitrary<QueryPart> {
  return plausibleValue(parameter.schema ?? {}, known).map((node): QueryPart => {
    const value = wellFormed(typeof node === 'string' ? node : jsonText(node));
    return {
      text: `${encodeURIComponent(parameter.name)}=${encodeURIComponent(value)}`,
      value: { name: parameter.name, value },
      clean: true,
    };
  });
}

const strayQuery = fc.constantFrom(
  '__proto__=1',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  'constructor=x',
  '%zz=%zz',
  '=',
  '&&&',
  `x=${'y'.repeat(LONG_ID_BYTES)}`,
);

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/vnd.api+json',
  'application/xml',
  'json',
  '',
];

interface Body {
  payload: string | Buffer | undefined;
  contentType: string | undefined;
  /** The parsed object when it is one, with unique keys and no prototype names: the oracle can judge it. */
  clean: Record<string, unknown> | null;
}

type Entries = Array<[string, JsonNode]>;

function bodyOf(schema: JsonSchema | undefined, known: KnownValues, level: Level): fc.Arbitrary<Body> {
  const properties = Object.entries(schema?.properties ?? {});
  const required = new Set(schema?.required ?? []);
  const json = (node: JsonNode, clean: boolean): Body => ({
    payload: jsonText(node),
    contentType: 'application/json',
    clean: clean ? (parsedValue(node) as Record<string, unknown>) : null,
  });
  const one =
    (name: string) =>
    (value: JsonNode): Entries => [[name, value]];
  const plausibleField = ([name, property]: [string, JsonSchema]): fc.Arbitrary<Entries> => {
    const present = plausibleValue(property, known).map(one(name));
    return required.has(name)
      ? present
      : fc.oneof({ arbitrary: present, weight: 3 }, { arbitrary: fc.constant<Entries>([]), weight: 1 });
  };
  // A hostile value of the field's type or of any type, the field missing, or the same key twice (which one
  // wins is the parser's choice, and must not matter).
  const hostileField = ([name, property]: [string, JsonSchema]): fc.Arbitrary<Entries> =>
    fc.oneof(
      { arbitrary: typedHostileValue(property, known).map(one(name)), weight: 4 },
      { arbitrary: hostileValueFor(known).map(one(name)), weight: 2 },
      { arbitrary: fc.constant<Entries>([]), weight: 1 },
      {
        arbitrary: fc
          .tuple(plausibleValue(property, known), hostileValueFor(known))
          .map(([a, b]): Entries => [...one(name)(a), ...one(name)(b)]),
        weight: 1,
      },
    );
  const chaosField = (field: [string, JsonSchema]): fc.Arbitrary<Entries> =>
    fc.oneof({ arbitrary: plausibleField(field), weight: 3 }, { arbitrary: hostileField(field), weight: 2 });
  const extraKeys = fc.array(fc.tuple(fc.constantFrom(...PROTO_WORDS, 'extra', '', '\u0000'), hostileValue), {
    minLength: 1,
    maxLength: 2,
  });
  const objectBody = (fields: fc.Arbitrary<Entries[]>, extra: fc.Arbitrary<Entries>) =>
    fc.tuple(fields, extra).map(([groups, more]) => {
      const entries = [...groups.flat(), ...more];
      const keys = entries.map(([k]) => k);
      const body = json({ entries }, true);
      // A prototype name anywhere makes the JSON parser refuse the whole body, before any field is judged.
      const clean =
        new Set(keys).size === keys.length &&
        !/"(__proto__|constructor|prototype)"/.test(String(body.payload));
      return clean ? body : { ...body, clean: null };
    });
  const none = fc.constant<Entries>([]);
  const plausibleBody = objectBody(fc.tuple(...properties.map(plausibleField)), none);
  const notAnObject = fc.oneof(
    fc.constantFrom<JsonNode>(null, [], 'string', 1, true).map((node) => json(node, false)),
    deepNesting.map((node) => json(node, false)),
    fc
      .constantFrom(
        '',
        '{',
        '{"a":',
        '{} x',
        '\ufeff{}',
        '{"a":1,}',
        "{'a':1}",
        'NaN',
        '{"a":"\\ud800"}',
        '\u0000',
      )
      .map((payload): Body => ({ payload, contentType: 'application/json', clean: null })),
    fc.constant<Body>({
      payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d]),
      contentType: 'application/json',
      clean: null,
    }),
    fc
      .integer({ min: 16 * 1024, max: 20 * 1024 })
      .map(
        (n): Body => ({ payload: `{"a":"${'x'.repeat(n)}"}`, contentType: 'application/json', clean: null }),
      ),
  );
  const wrongContentType = fc
    .tuple(plausibleBody, fc.constantFrom(...CONTENT_TYPES))
    .map(([body, contentType]): Body => ({ ...body, contentType, clean: null }));
  const noBody = fc.constant<Body>({ payload: undefined, contentType: undefined, clean: null });
  // What spoils the body as a whole rather than one field.
  const wholeBody = fc.oneof(
    notAnObject,
    wrongContentType,
    objectBody(fc.tuple(...properties.map(plausibleField)), extraKeys),
  );

  if (level === 'plausible') return schema ? plausibleBody : noBody;
  if (level === 'hostile') {
    return fc
      .nat({ max: properties.length })
      .chain((target) =>
        target === properties.length
          ? wholeBody
          : objectBody(
              fc.tuple(
                ...properties.map((field, i) => (i === target ? hostileField(field) : plausibleField(field))),
              ),
              none,
            ),
      );
  }
  const chaosBody = objectBody(
    fc.tuple(...properties.map(chaosField)),
    fc.oneof({ arbitrary: none, weight: 3 }, { arbitrary: extraKeys, weight: 1 }),
  );
  return fc.oneof(
    { arbitrary: chaosBody, weight: schema ? 10 : 2 },
    { arbitrary: wholeBody, weight: 4 },
    { arbitrary: noBody, weight: schema ? 1 : 6 },
  );
}

function credentialFor(
  security: Security,
  credentials: Credentials,
  level: Level,
): fc.Arbitrary<[string, Record<string, string>]> {
  const apiKey = (label: string, key: string): [string, Record<string, string>] => [
    label,
    { 'x-api-key': key },
  ];
  const bearer = (label: string, token: string): [string, Record<string, string>] => [
    label,
    { authorization: `Bearer ${token}` },
  ];
  const valid = Object.entries(credentials.apiKeys);
  const bogusKeys = fc.oneof(
    fc.constantFrom(
      'cs_live_',
      'cs_test_x',
      'cs_live_0000000000000000000000000000000000',
      'null',
      ' ',
      '__proto__',
    ),
    hostileString.map(headerSafe).filter((s) => s.trim() !== ''),
    fc.constantFrom(...valid.map(([, key]) => key)).map((key) => `${key}x`),
  );
  const wrongForApiKey = fc.oneof(
    bogusKeys.map((key) => apiKey('bogus key', key)),
    fc.constant(bearer('admin token as bearer', credentials.adminToken)),
    fc.constant(apiKey('admin token as key', credentials.adminToken)),
    fc.constant<[string, Record<string, string>]>(['none', {}]),
  );
  const wrongForBearer = fc.oneof(
    fc.constant<[string, Record<string, string>]>(['none', {}]),
    fc.constantFrom(...valid).map(([label, key]) => apiKey(`${label} key`, key)),
    bogusKeys.map((token) => bearer('bogus token', token)),
    fc.constant<[string, Record<string, string>]>([
      'lowercase bearer',
      { authorization: `bearer ${credentials.adminToken}` },
    ]),
    fc.constant(bearer('token with suffix', `${credentials.adminToken} `)),
  );
  const mix = (right: fc.Arbitrary<[string, Record<string, string>]>, wrong: typeof right) =>
    level === 'plausible'
      ? right
      : level === 'hostile'
        ? wrong
        : fc.oneof({ arbitrary: right, weight: 5 }, { arbitrary: wrong, weight: 1 });
  if (security === 'apiKey') {
    return mix(
      fc.constantFrom(...valid).map(([label, key]) => apiKey(label, key)),
      wrongForApiKey,
    );
  }
  if (security === 'bearer') {
    return mix(fc.constant(bearer('admin token', credentials.adminToken)), wrongForBearer);
  }
  return fc.constant<[string, Record<string, string>]>(['none', {}]);
}

function headerParameter(parameter: ParameterObject, known: KnownValues, level: Level) {
  const schema = parameter.schema ?? {};
  const plausible = plausibleString({ ...schema, maxLength: Math.min(schema.maxLength ?? 40, 40) }, known);
  const hostile = hostileString.map(headerSafe);
  if (level === 'plausible') return fc.option(plausible, { nil: undefined });
  if (level === 'hostile') return hostile;
  return fc.option(fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: hostile, weight: 1 }), {
    nil: undefined,
  });
}

/** `arbitrary` one time in `every`, else undefined. */
function rarely<T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary, weight: 1 }, { arbitrary: fc.constant(undefined), weight: every - 1 });
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * How hostile one input of a request is: `plausible` (what the document allows, mostly), `hostile` (only
 * hostile), `chaos` (each part on its own plausible or hostile).
 */
type Level = 'plausible' | 'hostile' | 'chaos';

const ACCEPTS = ['text/csv', 'application/json', '*/*', 'text/html', 'x/y;q=abc'];

/**
 * Requests to one operation, built from what the document says of it: one in six entirely plausible, half
 * plausible but for one hostile input (so the hostile value reaches code past validation of the others), the
 * rest hostile everywhere at once.
 */
export function hostileRequests(
  operation: Operation,
  known: KnownValues,
  credentials: Credentials,
): fc.Arbitrary<HostileRequest> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const headerParameters = operation.parameters.filter((p) => p.in === 'header');
  // The body counts once per documented field, and once as a whole.
  const bodyShares = Object.keys(operation.bodySchema?.properties ?? {}).length + 1;
  const inputs = [
    ...operation.parameters.map((p) => `${p.in}:${p.name}`),
    ...Array.from({ length: bodyShares }, () => 'body'),
    'credential',
    'request',
  ];
  const otherMethods = OTHER_METHODS.filter((m) => m !== operation.method);
  const build = (levelOf: (input: string) => Level) => {
    const level = (p: ParameterObject) => levelOf(`${p.in}:${p.name}`);
    const pathArbitrary = (p: ParameterObject) =>
      level(p) === 'plausible'
        ? fc.constantFrom(...known.ids).map((id) => ({ raw: encodeURIComponent(id), decoded: id }))
        : pathValue(known);
    const queryArbitrary = (p: ParameterObject): fc.Arbitrary<QueryPart | undefined> =>
      level(p) === 'plausible'
        ? rarely(plausibleQueryPart(p, known), 3)
        : level(p) === 'hostile'
          ? queryPart(p, known)
          : rarely(queryPart(p, known), 3);
    const extras = levelOf('request');
    return fc.record({
      path: fc.tuple(...pathParameters.map(pathArbitrary)),
      query: fc.tuple(...queryParameters.map(queryArbitrary)),
      headers: fc.tuple(...headerParameters.map((p) => headerParameter(p, known, level(p)))),
      body: bodyOf(operation.bodySchema, known, levelOf('body')),
      credential: credentialFor(operation.security, credentials, levelOf('credential')),
      ...(extras === 'plausible'
        ? {
            stray: fc.constant(undefined),
            accept: fc.constant(undefined),
            otherMethod: fc.constant(undefined),
          }
        : extras === 'hostile'
          ? {
              stray: rarely(strayQuery, 2),
              accept: rarely(fc.constantFrom(...ACCEPTS), 2),
              otherMethod: rarely(fc.constantFrom(...otherMethods), 3),
            }
          : {
              stray: rarely(strayQuery, 8),
              accept: rarely(fc.constantFrom(...ACCEPTS), 4),
              otherMethod: rarely(fc.constantFrom(...otherMethods), 15),
            }),
    });
  };
  return fc
    .oneof(
      { arbitrary: build(() => 'plausible'), weight: 1 },
      {
        arbitrary: fc
          .constantFrom(...inputs)
          .chain((target) => build((input) => (input === target ? 'hostile' : 'plausible'))),
        weight: 3,
      },
      { arbitrary: build(() => 'chaos'), weight: 2 },
    )
    .map(({ path, query, stray, headers, body, credential, accept, otherMethod }): HostileRequest => {
      let url = operation.pathTemplate;
      const longInputs: string[] = [];
      // A path the router cannot decode is refused before any field is read.
      const decodable = path.every((value) => value.decoded !== null);
      let clean = decodable;
      pathParameters.forEach((parameter, i) => {
        const value = path[i]!;
        url = url.replace(`{${parameter.name}}`, value.raw);
        longInputs.push(value.decoded ?? value.raw);
      });
      const parts = query.filter((q): q is QueryPart => q !== undefined);
      const queryText = [...parts.map((q) => q.text), ...(stray ? [stray] : [])].join('&');
      if (queryText !== '') url += `?${queryText}`;

      const sent: Record<string, string> = { ...credential[1] };
      const invalid: string[] = [];
      headerParameters.forEach((parameter, i) => {
        const value = headers[i];
        if (value === undefined) return;
        sent[parameter.name.toLowerCase()] = value;
        longInputs.push(value);
        if (schemaViolation(parameter.schema ?? {}, value)) invalid.push(parameter.name);
      });
      if (accept) sent.accept = accept;
      if (body.contentType !== undefined) sent['content-type'] = body.contentType;

      if (stray !== undefined && /%|\[|__proto__|constructor/.test(stray)) clean = false;
      for (const part of parts) {
        if (!part.clean || !part.value) {
          clean = false;
          continue;
        }
        longInputs.push(part.value.value);
        const parameter = queryParameters.find((p) => p.name === part.value!.name)!;
        if (schemaViolation(parameter.schema ?? {}, part.value.value)) invalid.push(parameter.name);
      }
      if (operation.bodySchema) {
        if (body.clean === null || typeof body.clean !== 'object' || Array.isArray(body.clean)) clean = false;
        else {
          const required = new Set(operation.bodySchema.required ?? []);
          for (const [name, property] of Object.entries(operation.bodySchema.properties ?? {})) {
            const present = Object.hasOwn(body.clean, name);
            if (present ? schemaViolation(property, body.clean[name]) : required.has(name))
              invalid.push(name);
          }
        }
      }
      if (typeof body.payload === 'string') longInputs.push(...stringsIn(body.payload));
      return {
        operation,
        method: otherMethod ?? operation.method,
        url,
        headers: sent,
        payload: body.payload,
        credential: credential[0],
        invalidFields: clean && otherMethod === undefined ? invalid : null,
        longInputs: longInputs.filter((s) => s.length >= LONG_INPUT),
        routable: decodable && otherMethod === undefined,
      };
    });
}

/** The string values of a JSON text, when it parses. */
function stringsIn(text: string): string[] {
  const found: string[] = [];
  try {
    JSON.parse(text, (_key, value: unknown) => {
      if (typeof value === 'string') found.push(value);
      return value;
    });
  } catch {
    found.push(text);
  }
  return found;
}

const codeUnits = (text: string) => Array.from(text, (c) => c.codePointAt(0) ?? 0);
const HOSTILITIES: Array<[string, (text: string) => boolean]> = [
  ['NUL', (t) => t.includes('\u0000') || t.includes('%00') || t.includes('\\u0000')],
  ['prototype name', (t) => PROTO_WORDS.some((word) => t.includes(word))],
  ['bad escape', (t) => /%(?![0-9A-Fa-f]{2})|%(C0|ED|FF)/.test(t)],
  ['control character', (t) => codeUnits(t).some((c) => (c > 0 && c < 0x20 && c !== 0x0a) || c === 0x7f)],
  ['non-ASCII', (t) => codeUnits(t).some((c) => c > 0x7f) || /%[89A-F][0-9A-F]/.test(t)],
];

/** What is hostile about a request, roughly: enough to tell two causes of one failure apart. */
export function hostilityOf(request: HostileRequest): string[] {
  const text = [
    request.url,
    ...Object.values(request.headers),
    typeof request.payload === 'string' ? request.payload : (request.payload?.toString('latin1') ?? ''),
  ].join('\n');
  const kinds = HOSTILITIES.filter(([, present]) => present(text)).map(([name]) => name);
  if (text.length > 2_000) kinds.push('long');
  return kinds;
}

/** The request in a line a person can replay: method, URL (cut), credential, headers, body excerpt. */
export function describeRequest(request: HostileRequest): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const headers = Object.entries(request.headers)
    .filter(([name]) => name !== 'x-api-key' && name !== 'authorization')
    .map(([name, value]) => `${name}: ${JSON.stringify(cut(value, 60))}`);
  const payload =
    request.payload === undefined
      ? ''
      : ` body ${
          typeof request.payload === 'string'
            ? JSON.stringify(cut(request.payload, 160))
            : `<bytes ${request.payload.toString('hex')}>`
        }`;
  return `${request.method} ${cut(request.url, 160)} [${request.credential}]${headers.length ? ` {${headers.join(', ')}}` : ''}${payload}`;
}
