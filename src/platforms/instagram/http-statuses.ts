// What an HTTP status alone means for an Instagram answer; the body (a login wall, a checkpoint) is read first
// for every status but 429.
import type { HttpStatusMeanings } from '../http-failure.ts';

export const INSTAGRAM_HTTP_STATUSES: HttpStatusMeanings = {
  rules: [
    {
      statuses: [429],
      kind: 'rate_limited',
      message: (source) => `${source} answered 429 Too Many Requests`,
    },
    {
      statuses: { from: 500, to: 999 },
      kind: 'transient',
      message: (source, status) => `${source} answered HTTP ${status}`,
    },
    {
      statuses: [403],
      kind: 'blocked',
      message: (source, status) => `${source} refused the request (HTTP ${status})`,
    },
  ],
  otherwise: null,
};
