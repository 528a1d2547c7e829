// "Does each source work from this server, through these proxies, right now?" Reads one video through each
// source of each platform alone — the same sources, HTTP client, proxies and TLS impersonation as the
// collectors — and says for each what came back and, for a failure, what to do about it.
import type { Config } from '../config.ts';
import type { HttpClient, OutboundRequest, OutboundResult } from '../http/types.ts';
import type { PlatformSource } from './descriptor.ts';
import { PLATFORM_REGISTRY } from './registry.ts';
import { DEFAULT_RUNTIME } from './source-attempts.ts';
import type { CollectFailure, CollectResult, FailureKind, Metrics, PlatformName } from './types.ts';

export interface SourceCheck {
  source: string;
  /** Some HTTP answer came back (whatever its status). */
  reachable: boolean;
  /** The status of the last answer, or null when none came. */
  httpStatus: number | null;
  /** The answer was understood: counts, or a definite "private" / "not found". */
  recognised: boolean;
  /** The counts read, as decimal strings (null where the source has none). */
  counts: Record<keyof Metrics, string | null> | null;
  latencyMs: number;
  failure: { kind: FailureKind; message: string; hint: string } | null;
  /** How the source read it, when that helps (e.g. X's operation id and where it came from). */
  note: string | null;
}

export interface PlatformCheck {
  platform: PlatformName;
  videoId: string;
  /** At least one source read the video's counts. */
  working: boolean;
  sources: SourceCheck[];
}

export interface CheckOptions {
  /** The video to read per platform; the descriptor's well-known one otherwise. */
  videoIds?: Partial<Record<PlatformName, string>>;
  platforms?: readonly PlatformName[];
  now?: () => number;
  /** Wall-clock time for latencies (performance.now by default). */
  stopwatch?: () => number;
}

export async function checkPlatformSources(
  config: Config,
  http: HttpClient,
  options: CheckOptions = {},
): Promise<PlatformCheck[]> {
  const runtime = { ...DEFAULT_RUNTIME, ...(options.now ? { now: options.now } : {}) };
  const stopwatch = options.stopwatch ?? (() => performance.now());
  const platforms = options.platforms ?? (Object.keys(PLATFORM_REGISTRY) as PlatformName[]);
  // Platforms are checked side by side; the sources of one platform one after the other, in their order.
  return Promise.all(
    platforms.map(async (platform) => {
      const descriptor = PLATFORM_REGISTRY[platform];
      const videoId = options.videoIds?.[platform] ?? descriptor.wellKnownVideoId;
      const observed = observingClient(http);
      const sources: SourceCheck[] = [];
      for (const source of descriptor.sources(config, observed.client, runtime)) {
        sources.push(await checkSource(source, videoId, observed, stopwatch));
      }
      return { platform, videoId, working: sources.some((s) => s.failure === null), sources };
    }),
  );
}

async function checkSource(
  source: PlatformSource,
  videoId: string,
  observed: ObservingClient,
  stopwatch: () => number,
): Promise<SourceCheck> {
  observed.reset();
  const started = stopwatch();
  let result: CollectResult;
  try {
    result = await source.read(videoId);
  } catch (error) {
    result = {
      ok: false,
      error: {
        kind: 'transient',
        message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
  const latencyMs = Math.round(stopwatch() - started);
  const note = source.describe?.() ?? null;
  const common = {
    source: source.name,
    reachable: observed.lastStatus !== null,
    httpStatus: observed.lastStatus,
    latencyMs,
    note,
  };
  if (result.ok) {
    const { metrics } = result.value;
    const counts = Object.fromEntries(
      Object.entries(metrics).map(([name, value]) => [name, value === null ? null : value.toString()]),
    ) as Record<keyof Metrics, string | null>;
    return { ...common, recognised: true, counts, failure: null };
  }
  const failure = result.error;
  return {
    ...common,
    recognised: failure.kind === 'not_found' || failure.kind === 'private',
    counts: null,
    failure: { kind: failure.kind, message: failure.message, hint: hintFor(failure, source) },
  };
}

/** One line saying what to do about a failure. */
export function hintFor(failure: CollectFailure, source: Pick<PlatformSource, 'settableBy'>): string {
  switch (failure.kind) {
    case 'blocked':
      return 'a bot check, sign-in wall or refusal: send requests through proxies (CONTENTSTATS_PROXY_URLS), or from another network';
    case 'format_changed':
      return source.settableBy
        ? `the answer was not recognised: update contentstats, or set ${source.settableBy} by hand (README: "When a platform changes")`
        : 'the answer was not recognised: the platform changed its format; update contentstats';
    case 'rate_limited':
      return 'rate limited: wait, or spread requests over proxies (CONTENTSTATS_PROXY_URLS)';
    case 'transient':
      if (failure.exchange?.failed === 'network')
        return `cannot connect to ${failure.exchange.host}: check DNS, the firewall and the proxies`;
      if (failure.exchange?.failed === 'timeout')
        return `${failure.exchange.host} did not answer in time: check the network and the proxies`;
      return 'the platform answered with an error on its side: try again in a few minutes';
    case 'not_found':
      return 'the source works, but says the test video does not exist: name another with --video';
    case 'private':
      return 'the source works, but says the test video is private: name another with --video';
  }
}

interface ObservingClient {
  client: HttpClient;
  /** The status of the last answer since `reset`, or null when none came. */
  readonly lastStatus: number | null;
  reset(): void;
}

/** The same client, noting what each exchange came to. */
function observingClient(http: HttpClient): ObservingClient {
  let lastStatus: number | null = null;
  return {
    client: {
      async fetch(request: OutboundRequest): Promise<OutboundResult> {
        const result = await http.fetch(request);
        if (result.ok) lastStatus = result.value.status;
        return result;
      },
    },
    get lastStatus() {
      return lastStatus;
    },
    reset() {
      lastStatus = null;
    },
  };
}
