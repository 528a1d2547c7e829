// A second reference for POST /videos/track: bare Fastify parsing a JSON body and answering a 201 of the same
// size and shape as a real track, with no work in between (what HTTP alone costs such a request). With the
// contentstats process's V8 settings, as hello.ts.
import Fastify from 'fastify';
import { applyV8Settings } from '../../src/cli/v8-settings.ts';

applyV8Settings();

const now = new Date().toISOString();
const tracked = {
  id: 'vid_0U2kE4siwvaAfGiynrYS6K',
  job_id: 'job_0U2kE4siwvaAfGiynrYS6K',
  video_link: '',
  platform: 'tiktok',
  status: 'monitoring',
  monitoring_started: now,
  monitoring_duration_days: 7,
  days_remaining: 7,
  created_at: now,
  canonical_url: 'https://www.tiktok.com/@_/video/7301234567890123456',
  snapshots_collected: 1,
  snapshots_missed: 0,
  next_snapshot_at: now,
  ended_at: null,
  error_reason: null,
  estimated_cost: 2.52,
  latest: {
    id: 'snp_0U2kE4siwvaAfGiynrYS6K',
    snapshot_id: 'job_0U2kE4siwvaAfGiynrYS6K-0',
    snapshot_time: now,
    views: '1234567',
    likes: '12345',
    comments: '123',
    shares: '12',
    saves: '1',
    provider: 'simulator',
    slot: 0,
  },
  current_metadata: {
    title: 'Simulated video 7301234567890123456',
    creator: 'sim_abcdef12',
    description: 'A simulated video for test mode.',
  },
};

const app = Fastify({ logger: false });
app.post('/', async (request, reply) =>
  reply.code(201).send({ ...tracked, video_link: (request.body as { video_link: string }).video_link }),
);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
