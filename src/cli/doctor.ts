// `contentstats doctor`: reads one public video per platform through each source, from this server, through
// the configured proxies and browser TLS, exactly as the collectors do, and prints what each answered.
// Exit 0 when every platform checked has a working source, 1 otherwise (for monitoring: `--json`).
import { createHttpClient } from '../http/client.ts';
import { parseVideoUrl } from '../platforms/parse-video-url.ts';
import { PLATFORM_REGISTRY } from '../platforms/registry.ts';
import { checkPlatformSources, type PlatformCheck, type SourceCheck } from '../platforms/source-check.ts';
import { PLATFORMS, type PlatformName } from '../platforms/types.ts';
import { badUsage, CommandFailure, EXIT } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { configOrFail } from './runtime.ts';

export interface DoctorOptions {
  json: boolean;
  /** Links of the videos to read instead of the well-known ones (one per platform at most). */
  videos: string[];
  /** Only these platforms. */
  platforms: string[];
  timeoutSeconds: number;
}

export async function doctorCommand(io: CliIo, options: DoctorOptions): Promise<void> {
  const config = configOrFail(io);
  const videoIds = videosByPlatform(options.videos);
  const platforms = chosenPlatforms(options.platforms);
  const http = createHttpClient({
    upstreams: config.upstreams,
    proxyUrls: config.proxyUrls,
    timeoutMs: options.timeoutSeconds * 1000,
  });
  let checks: PlatformCheck[];
  try {
    checks = await checkPlatformSources(config, http, { videoIds, platforms });
  } finally {
    await http.close();
  }
  const allWorking = checks.every((check) => check.working);
  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ ok: allWorking, platforms: checks }, null, 2));
  } else {
    writeLine(io.stdout, renderTable(checks, config.proxyUrls.length));
  }
  if (!allWorking) {
    const broken = checks
      .filter((check) => !check.working)
      .map((c) => PLATFORM_REGISTRY[c.platform].displayName);
    throw new CommandFailure(`no working source for ${broken.join(', ')}`, EXIT.refused);
  }
}

function videosByPlatform(links: readonly string[]): Partial<Record<PlatformName, string>> {
  const ids: Partial<Record<PlatformName, string>> = {};
  for (const link of links) {
    const parsed = parseVideoUrl(link);
    if (parsed.kind === 'invalid') badUsage(`--video ${link}: ${parsed.message}`);
    if (parsed.kind === 'short_link')
      badUsage(`--video ${link}: give the video's full link, not a short link`);
    if (ids[parsed.ref.platform] !== undefined) badUsage(`--video: two videos for ${parsed.ref.platform}`);
    ids[parsed.ref.platform] = parsed.ref.videoId;
  }
  return ids;
}

function chosenPlatforms(names: readonly string[]): PlatformName[] {
  if (names.length === 0) return [...PLATFORMS];
  return names.map((name) => {
    if (!(PLATFORMS as readonly string[]).includes(name))
      badUsage(`--platform ${name}: one of ${PLATFORMS.join(', ')}`);
    return name as PlatformName;
  });
}

const COLUMNS = ['source', 'reachable', 'HTTP', 'recognised', 'counts', 'latency', 'problem'] as const;

function row(check: SourceCheck): string[] {
  const counts = check.counts
    ? Object.entries(check.counts)
        .filter(([, value]) => value !== null)
        .map(([name, value]) => `${name} ${value}`)
        .join(', ')
    : '-';
  return [
    check.source,
    check.reachable ? 'yes' : 'no',
    check.httpStatus === null ? '-' : String(check.httpStatus),
    check.recognised ? 'yes' : 'no',
    counts || '-',
    `${check.latencyMs} ms`,
    check.failure ? check.failure.kind : 'ok',
  ];
}

function renderTable(checks: readonly PlatformCheck[], proxies: number): string {
  const lines: string[] = [
    `Reading one video per platform through each source${proxies > 0 ? ` (through ${proxies} prox${proxies === 1 ? 'y' : 'ies'})` : ''}.`,
  ];
  for (const check of checks) {
    const name = PLATFORM_REGISTRY[check.platform].displayName;
    lines.push('', `${name} (video ${check.videoId}): ${check.working ? 'working' : 'NO WORKING SOURCE'}`);
    const rows = [[...COLUMNS], ...check.sources.map(row)];
    const widths = COLUMNS.map((_, i) => Math.max(...rows.map((cells) => cells[i]!.length)));
    rows.forEach((cells, index) => {
      lines.push(
        `  ${cells
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}`,
      );
      const source = index === 0 ? undefined : check.sources[index - 1];
      if (source?.failure) lines.push(`    ${source.failure.kind}: ${source.failure.hint}`);
      if (source?.note) lines.push(`    ${source.note}`);
    });
  }
  return lines.join('\n');
}
