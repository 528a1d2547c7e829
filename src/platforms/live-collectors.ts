// The real collectors used by live keys, built from the configuration.
import type { Config } from '../config.ts';
import type { HttpClient } from '../http/types.ts';
import { byPlatform } from './registry.ts';
import type { Collector, PlatformName } from './types.ts';

export function createLiveCollectors(config: Config, http: HttpClient): Record<PlatformName, Collector> {
  return byPlatform((platform) => platform.createLiveCollector(config, http));
}
