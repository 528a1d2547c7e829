// Every operation the service documents in its own /openapi.json, sent thousands of hostile requests built from
// that document (test/support/hostile-requests.ts), on both databases, with and without valid credentials. Each
// answer must be below 500 (but for a 500 the operation documents, with its documented error), carry
// X-Request-Id (and X-RateLimit-* under /api/v1), and, when it is an error, be `{error, details?: [{field,
// message}]}` naming every field the document forbids, without framework codes or echoes of long input.
// Afterwards the money invariants hold for every account. FUZZ_RUNS (requests per database) scales the run;
// FUZZ_SEED replays one.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { LiveCollectors } from '../../src/compose.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import { PLATFORMS } from '../../src/platforms/types.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import {
  type Credentials,
  describeRequest,
  type HostileRequest,
  hostileRequests,
  hostilityOf,
  inputCount,
  type KnownValues,
  type OpenApiDocument,
  type Operation,
  operationsOf,
} from '../support/hostile-requests.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1200);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RATE_LIMIT_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
/** The longest run of an input an error may repeat back. */
const ECHO_CHARS = 64;

const LINKS = [
  'https://www.tiktok.com/@scout2015/video/6718335390845095173',
  'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  'https://youtu.be/abcdefg4031',
  'https://www.instagram.com/reel/C1a2b3c4d5e/',
  'https://x.com/someone/status/1234567890123456789',
  // The simulator's magic ids: deleted (404) and blocked (the documented 500 of track).
  'https://www.tiktok.com/@x/video/7300000000000004040',
  'https://www.tiktok.com/@x/video/7300000000000005030',
  'https://example.com/video/1',
  'javascript:alert(1)',
];

interface Finding {
  status: number;
  problems: string;
  /** The error, framework code and fields of the body: what tells one defect from another. */
  signature: string;
  operations: Set<string>;
  body: string;
  /** The shortest request per kind of hostility (NUL, prototype name, …), so different causes stay visible. */
  requests: Map<string, string>;
  count: number;
}

describe.each(DIALECTS)('every documented operation under hostile requests (%s)', (dialect) => {
  it('never answers 5xx, answers every error in the documented shape and keeps the money right', async () => {
    const clock = new TestClock();
    // Live keys read the simulator too: a live tracking moves real money here and never reaches a network.
    const liveCollectors: LiveCollectors = Object.fromEntries(
      PLATFORMS.map((p) => [p, createSimulatorCollector(p, clock)]),
    );
    const api = await createTestApi(dialect, { clock, liveCollectors });
    try {
      const { known, credentials } = await seedWorld(api);
      const documentResponse = await api.app.inject({ method: 'GET', url: '/openapi.json' });
      const operations = operationsOf(documentResponse.json() as OpenApiDocument);
      expect(operations.length).toBeGreaterThan(10);

      // Sampled rather than asserted: every distinct failure is collected and reported, not the first one
      // shrunk. The seed replays the same requests.
      const requests = fc.sample(
        fc.oneof(
          ...operations.map((operation) => ({
            arbitrary: hostileRequests(operation, known, credentials),
            weight: inputCount(operation),
          })),
        ),
        { numRuns: RUNS, seed: SEED },
      );
      const findings = new Map<string, Finding>();
      const sentTo = new Map<string, number>();
      /** Statuses answered per operation, printed with the failures to show what the run reached. */
      const answered = new Map<string, Map<number, number>>();
      for (const request of requests) {
        sentTo.set(request.operation.name, (sentTo.get(request.operation.name) ?? 0) + 1);
        clock.advance(1_000);
        let response: LightMyRequestResponse;
        try {
          response = await api.app.inject({
            method: request.method as 'GET',
            url: request.url,
            headers: request.headers,
            ...(request.payload === undefined ? {} : { payload: request.payload }),
          });
        } catch (error) {
          record(findings, request, 0, [`the request could not be sent: ${String(error)}`], '');
          continue;
        }
        const tally = answered.get(request.operation.name) ?? new Map<number, number>();
        tally.set(response.statusCode, (tally.get(response.statusCode) ?? 0) + 1);
        answered.set(request.operation.name, tally);
        const problems = problemsWith(request, response);
        if (problems.length > 0) record(findings, request, response.statusCode, problems, response.body);
      }
      for (const problem of await moneyProblems(api)) {
        findings.set(problem, {
          status: 0,
          problems: problem,
          signature: '',
          operations: new Set(['(after the run)']),
          body: '',
          requests: new Map(),
          count: 1,
        });
      }

      expect(operations.filter((o) => !sentTo.has(o.name)).map((o) => o.name)).toEqual([]);
      expect(findings.size, summary(findings, dialect, answered)).toBe(0);
    } finally {
      await api.close();
    }
  }, 600_000);
});

/** Two accounts with keys, videos and spare keys, so requests with real ids reach real state. */
async function seedWorld(api: TestApi): Promise<{ known: KnownValues; credentials: Credentials }> {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const rich = await api.createAccount({ creditUsd: 200, plan: 'enterprise' });
  await api.call('PATCH', `/admin/v1/accounts/${rich.id}`, {
    headers: admin,
    body: { rate_limit_per_minute: 1_000_000, max_active_videos: 10_000_000 },
  });
  // A free account with little money: the fuzz may disable it, drain it or hit its rate limit.
  const small = await api.createAccount({ creditUsd: 1 });
  const ids: string[] = [small.id];
  const track = async (key: string, link: string) => {
    const response = await api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: link, duration_days: 1 },
    });
    expect(response.statusCode, response.body).toBe(201);
    const video = response.json();
    ids.push(video.id, video.job_id, `${video.job_id}-0`);
  };
  for (const link of LINKS.slice(0, 3)) await track(rich.testKey, link);
  for (const link of LINKS.slice(3, 5)) await track(rich.liveKey, link);
  await track(small.liveKey, LINKS[0]!);
  // Spare keys the fuzz may revoke; the keys it sends are never in the pool of ids.
  for (const mode of ['live', 'test']) {
    const response = await api.call('POST', '/api/v1/keys', { key: rich.liveKey, body: { mode } });
    ids.push(response.json().id);
  }
  return {
    known: { ids, strings: LINKS },
    credentials: {
      apiKeys: {
        'live key with credit': rich.liveKey,
        'test key': rich.testKey,
        'small live key': small.liveKey,
      },
      adminToken: ADMIN_TOKEN,
    },
  };
}

function problemsWith(request: HostileRequest, response: LightMyRequestResponse): string[] {
  const problems: string[] = [];
  const status = response.statusCode;
  const operation = request.operation;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: unknown } | undefined)?.error;

  if (status >= 500 && !documentedServerError(operation, status, error)) problems.push('5xx');
  if (!response.headers['x-request-id']) problems.push('no X-Request-Id');
  // A request no route matches (another method, a path that cannot be decoded, or what the not-found handler
  // answers with its bare "Not found") reaches no endpoint of /api/v1, so no key is counted for it.
  const routed = request.routable && !(status === 404 && error === 'Not found');
  if (operation.pathTemplate.startsWith('/api/v1/') && routed) {
    const missing = RATE_LIMIT_HEADERS.filter((h) => response.headers[h] === undefined);
    if (missing.length > 0) problems.push(`no ${missing.join(', ')}`);
  }
  if (response.body.includes('FST_')) problems.push('framework error code in the body');
  if (status < 400 || request.method === 'HEAD') {
    if (status < 300 && request.invalidFields && request.invalidFields.length > 0) {
      problems.push(`accepted what the document forbids: ${request.invalidFields.join(', ')}`);
    }
    return problems;
  }

  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) {
    problems.push(`error not JSON (${response.headers['content-type']})`);
  } else if (!hasErrorShape(body)) {
    problems.push('error body not {error: string, details?: [{field, message}]}');
  }
  for (const input of request.longInputs) {
    const head = input.slice(0, ECHO_CHARS);
    if (response.body.includes(head) || response.body.includes(JSON.stringify(head).slice(1, -1))) {
      problems.push('echoes a long input');
      break;
    }
  }
  if (status === 400 && request.invalidFields) {
    const named = new Set(
      ((body as { details?: Array<{ field?: unknown }> } | undefined)?.details ?? []).map((d) => d.field),
    );
    const unnamed = request.invalidFields.filter((field) => !named.has(field));
    if (unnamed.length > 0) problems.push(`400 does not name ${unnamed.join(', ')}`);
  }
  return problems;
}

/** A 5xx the operation documents, with the exact error text its schema fixes (track's platform failure). */
function documentedServerError(operation: Operation, status: number, error: unknown): boolean {
  const texts = operation.documentedErrors[String(status)] ?? [];
  return typeof error === 'string' && texts.includes(error);
}

function hasErrorShape(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { error, details } = body as { error?: unknown; details?: unknown };
  if (typeof error !== 'string') return false;
  if (details === undefined) return true;
  return (
    Array.isArray(details) &&
    details.every(
      (d) =>
        typeof d === 'object' &&
        d !== null &&
        Object.keys(d).sort().join() === 'field,message' &&
        typeof d.field === 'string' &&
        typeof d.message === 'string',
    )
  );
}

/**
 * One finding per (status, problems, error signature), naming every operation it was seen on and keeping the
 * shortest request that triggered it.
 */
function record(
  findings: Map<string, Finding>,
  request: HostileRequest,
  status: number,
  problems: string[],
  body: string,
): void {
  const signature = signatureOf(body);
  // A 5xx has a cause per operation; the other problems are usually one cause seen everywhere.
  const where = status >= 500 ? request.operation.name : '';
  const key = `${status}|${problems.join('; ')}|${signature}|${where}`;
  const description = describeRequest(request);
  const kind = hostilityOf(request).join('+');
  const found = findings.get(key);
  if (!found) {
    findings.set(key, {
      status,
      problems: problems.join('; '),
      signature,
      operations: new Set([request.operation.name]),
      body: body.length > 200 ? `${body.slice(0, 200)}…` : body,
      requests: new Map([[kind, description]]),
      count: 1,
    });
    return;
  }
  found.count++;
  found.operations.add(request.operation.name);
  const shortest = found.requests.get(kind);
  if (shortest === undefined || description.length < shortest.length) found.requests.set(kind, description);
}

function signatureOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as {
      error?: unknown;
      code?: unknown;
      details?: Array<{ field?: unknown }>;
    };
    const fields = Array.isArray(parsed.details) ? parsed.details.map((d) => d.field).join(',') : '';
    return [parsed.error, parsed.code, fields]
      .filter((part) => part !== undefined && part !== '')
      .join(' | ');
  } catch {
    return body.slice(0, 80).replace(/\d+/g, 'N');
  }
}

function summary(
  findings: Map<string, Finding>,
  dialect: string,
  answered: Map<string, Map<number, number>>,
): string {
  const lines = [...findings.values()]
    .sort((a, b) => a.status - b.status || a.problems.localeCompare(b.problems))
    .map(
      (f) =>
        `- ${f.status || ''} ${f.problems} [${f.signature}] (${f.count}×)\n` +
        `    on: ${[...f.operations].sort().join(', ')}\n    body: ${f.body}\n` +
        [...f.requests]
          .sort(([, a], [, b]) => a.length - b.length)
          .slice(0, 4)
          .map(([kind, description]) => `    request (${kind || 'plain'}): ${description}`)
          .join('\n'),
    );
  const reached = [...answered]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([operation, statuses]) =>
        `  ${operation}: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')}`,
    );
  return (
    `${findings.size} distinct failures on ${dialect} (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} replays them):\n` +
    `${lines.join('\n')}\nStatuses answered per operation:\n${reached.join('\n')}\n`
  );
}

/** The money invariants of every account, each failure as a line. */
async function moneyProblems(api: TestApi): Promise<string[]> {
  const accounts = await api.store.db.selectFrom('accounts').select('id').execute();
  const problems: string[] = [];
  for (const { id } of accounts) {
    try {
      await expectInvariants(api.store, id);
    } catch (error) {
      problems.push(`money invariants broken for account ${id}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return problems;
}
