// The fake TikTok, YouTube, Instagram and X of the real-path benchmark, in a process of its own: the test suite's
// fake platforms (test/fake-platform/platforms.ts, which tells the sources apart by host, path and query) with
// every source answering full-size bodies for whichever video is asked (bench/realpath-world.ts), each answer
// after BENCH_REALPATH_LATENCY_MS plus up to BENCH_REALPATH_JITTER_MS. Sends `{ origin, upstreams }` when ready;
// answers a `stats` message with its CPU time and the requests it served per source.
import { startFakePlatforms } from '../../test/fake-platform/platforms.ts';
import type { FakeReply, FakeRequest } from '../../test/fake-platform/server.ts';
import { platformAnswers } from '../realpath-world.ts';

const latencyMs = Number(process.env.BENCH_REALPATH_LATENCY_MS ?? 300);
const jitterMs = Number(process.env.BENCH_REALPATH_JITTER_MS ?? 100);
const instagramGraphql = process.env.BENCH_REALPATH_INSTAGRAM_GRAPHQL === 'retired' ? 'retired' : 'current';

const answers = platformAnswers();
const served = new Map<string, { requests: number; bytes: number }>();

function reply(route: string, type: string, body: Buffer): FakeReply {
  const count = served.get(route) ?? { requests: 0, bytes: 0 };
  count.requests++;
  count.bytes += body.length;
  served.set(route, count);
  return {
    headers: { 'content-type': `${type}; charset=utf-8` },
    body,
    delayMs: latencyMs + Math.random() * jitterMs,
  };
}
const html = (route: string, body: Buffer) => reply(route, 'text/html', body);
const json = (route: string, body: Buffer) => reply(route, 'application/json', body);
const param = (request: FakeRequest, name: string) => request.url.searchParams.get(name) ?? '';
const idList = (request: FakeRequest, name: string) => param(request, name).split(',').filter(Boolean);

const platforms = await startFakePlatforms({
  'tiktok-page': (request) =>
    html('tiktok-page', answers.tiktokPage(request.url.pathname.split('/').at(-1) ?? '')),
  'youtube-watch': (request) => html('youtube-watch', answers.watchPage(param(request, 'v'))),
  'youtube-data-api': (request) => json('youtube-data-api', answers.videosList(idList(request, 'id'))),
  'instagram-graphql': (request) => {
    if (instagramGraphql === 'retired') return json('instagram-graphql', answers.retiredPostQuery);
    const variables = new URLSearchParams(request.body).get('variables') ?? '{}';
    const { shortcode } = JSON.parse(variables) as { shortcode: string };
    return json('instagram-graphql', answers.postQuery(shortcode));
  },
  'instagram-graphql-legacy': () => json('instagram-graphql-legacy', answers.retiredPostQuery),
  'instagram-page': (request) =>
    html('instagram-page', answers.postPage(request.url.pathname.split('/').at(-2) ?? '')),
  'x-guest-activate': () => json('x-guest-activate', answers.guestToken),
  'x-graphql': (request) => {
    const { tweetId } = JSON.parse(param(request, 'variables')) as { tweetId: string };
    return json('x-graphql', answers.tweetResult(tweetId));
  },
  'x-api-v2': (request) => json('x-api-v2', answers.tweetsLookup(idList(request, 'ids'))),
  'x-web-app': () => html('x-web-app', answers.webAppPage),
  'x-web-bundle': () => reply('x-web-bundle', 'application/javascript', answers.webBundle),
});
// The request log is for tests; here it would only grow.
setInterval(() => {
  platforms.requests.length = 0;
}, 1_000).unref();

process.on('message', (message) => {
  if (message !== 'stats') return;
  process.send?.({ cpu: process.cpuUsage(), served: Object.fromEntries(served) });
});
process.once('SIGTERM', () => {
  void platforms.close().then(() => process.exit(0));
});
process.send?.({ upstreams: platforms.upstreams });
