// What an HTTP status means for a YouTube watch page (redirects are followed or classified before this).
import type { HttpStatusMeanings, StatusMessage } from '../http-failure.ts';

const answered: StatusMessage = (source, status) => `${source} answered HTTP ${status}`;

export const YOUTUBE_HTTP_STATUSES: HttpStatusMeanings = {
  rules: [
    { statuses: [200], kind: null, message: answered },
    {
      statuses: [429],
      kind: 'rate_limited',
      message: (source) => `${source} answered 429 Too Many Requests`,
    },
    { statuses: { from: 500, to: 999 }, kind: 'transient', message: answered },
    { statuses: [404, 410], kind: 'not_found', message: answered },
    {
      statuses: [401, 403, 451],
      kind: 'blocked',
      message: (source, status) => `${source} refused the request (HTTP ${status})`,
    },
  ],
  // Any other answer is not the page we know how to read.
  otherwise: { kind: 'format_changed', message: answered },
};
