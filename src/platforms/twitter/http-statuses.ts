// The statuses every X endpoint means the same way: 429 is a rate limit, 5xx a passing outage. What the
// others mean differs by endpoint, so each source reads them itself.
import type { HttpStatusMeanings } from '../http-failure.ts';

export const X_HTTP_STATUSES: HttpStatusMeanings = {
  rules: [
    {
      statuses: [429],
      kind: 'rate_limited',
      message: (source, status) => `${source}: rate limited (HTTP ${status})`,
    },
    {
      statuses: { from: 500, to: 999 },
      kind: 'transient',
      message: (source, status) => `${source}: HTTP ${status}`,
    },
  ],
  otherwise: null,
  readsRateLimitReset: true,
};
