// What the service knows about one platform, in one place: its names, the links it accepts, the address a
// video is read at, the counts it exposes, the hosts it may contact and how its live collector is built.
// `registry.ts` holds one per platform; adding a platform is writing one of these.
import type { Config } from '../config.ts';
import type { HttpClient } from '../http/types.ts';
import type { CollectorRuntime } from './source-attempts.ts';
import type { Collector, CollectResult, Metrics, PlatformName, UrlParse } from './types.ts';

/** One way of reading a platform, on its own: what `contentstats doctor` tries one by one. */
export interface PlatformSource {
  /** The provider name its observations carry and its health is counted under, e.g. `x-graphql`. */
  name: string;
  /** The configuration variable that mends it by hand when the platform changes its format. */
  settableBy?: string;
  /** Reads one video through this source alone. Never throws. */
  read(videoId: string, signal?: AbortSignal): Promise<CollectResult>;
  /** After a read: how it was made, when that helps (e.g. the operation id used and where it came from). */
  describe?(): string | undefined;
}

export interface PlatformDescriptor<P extends PlatformName = PlatformName> {
  name: P;
  /** How the platform is named to people (emails, error reasons). */
  displayName: string;
  /** Hosts of the links people paste, after `www.`, `m.` and `mobile.` are dropped; each read by `parseLinkPath`. */
  linkHosts: readonly string[];
  /** The path (and query) of a link on one of `linkHosts` → the video it names, a short link, or why not. */
  parseLinkPath(url: URL, host: string): UrlParse;
  /** The address the collectors read a video at, built from its id (never the link that was submitted). */
  canonicalUrl(videoId: string): string;
  /** The counts the platform shows publicly; the others are null in every reading, the simulator's too. */
  exposedMetrics: readonly (keyof Metrics)[];
  /** Every host a request or redirect hop for this platform may reach. */
  allowedHosts: readonly string[];
  /**
   * The collector live keys use, with the credentials and overrides the configuration holds for this
   * platform; it reports every source it reads to `runtime.recordAttempt`.
   */
  createLiveCollector(config: Config, http: HttpClient, runtime: CollectorRuntime): Collector;
  /**
   * Every source the live collector reads, in the order it reads them (official APIs only when their key is
   * configured), each on its own, built from the same configuration.
   */
  sources(config: Config, http: HttpClient, runtime: CollectorRuntime): readonly PlatformSource[];
  /** A long-lived public video `contentstats doctor` reads when told no other. */
  wellKnownVideoId: string;
}
