// The real collectors used by live keys, built from the configuration.
import type { Config } from '../config.ts';
import type { HttpClient } from '../http/types.ts';
import { byPlatform } from './registry.ts';
import { type CollectorRuntime, DEFAULT_RUNTIME } from './source-attempts.ts';
import type { Collector, PlatformName } from './types.ts';

export function createLiveCollectors(
  config: Config,
  http: HttpClient,
  runtime: Partial<CollectorRuntime> = {},
): Record<PlatformName, Collector> {
  const complete: CollectorRuntime = { ...DEFAULT_RUNTIME, ...runtime };
  return byPlatform((platform) => platform.createLiveCollector(config, http, complete));
}
