// What an HTTP status means for a TikTok page, before any page is parsed.
import type { HttpStatusMeanings, StatusMessage } from '../http-failure.ts';

const answered: StatusMessage = (source, status) => `${source} answered HTTP ${status}`;

export const TIKTOK_HTTP_STATUSES: HttpStatusMeanings = {
  rules: [
    { statuses: { from: 200, to: 299 }, kind: null, message: answered },
    { statuses: [429], kind: 'rate_limited', message: answered },
    // TikTok answers a missing video with a 200 page and a statusCode; a bare 404/410 still means it is gone.
    { statuses: [404], kind: 'not_found', message: answered },
    { statuses: [410], kind: 'not_found', deleted: true, message: answered },
    { statuses: [401, 403], kind: 'blocked', message: answered },
  ],
  otherwise: { kind: 'transient', message: answered },
};
