// What a person is told when a platform could not be read: plain words built from the failure's kind, the
// platform's name and, for an exchange that failed, the platform host. Never from the failure's message, which
// is for the server log and may carry addresses, paths or pieces of an answer.
import { PLATFORM_REGISTRY } from './registry.ts';
import type { CollectFailure, PlatformName } from './types.ts';

export function failureReason(platform: PlatformName, failure: CollectFailure): string {
  const name = PLATFORM_REGISTRY[platform].displayName;
  switch (failure.kind) {
    case 'transient':
      if (failure.exchange?.failed === 'network')
        return `${name} could not be reached (network error connecting to ${failure.exchange.host})`;
      if (failure.exchange?.failed === 'timeout')
        return `${name} could not be reached (${failure.exchange.host} did not answer in time)`;
      return `${name} answered with an error on its side; try again in a few minutes`;
    case 'rate_limited': {
      const waitSeconds =
        failure.retryAfterMs === undefined ? undefined : Math.ceil(failure.retryAfterMs / 1000);
      return `${name} is rate limiting this server; try again ${waitSeconds === undefined ? 'later' : `in ${waitSeconds} seconds`}`;
    }
    case 'blocked':
      return `${name} blocked this server's request (a bot check, a sign-in or consent page, or a refusal); try again later`;
    case 'format_changed':
      return `${name} answered, but the page format was not recognised (${name} may have changed it)`;
    case 'not_found':
      return failure.deleted ? `${name} says the video was deleted` : `${name} says the video does not exist`;
    case 'private':
      return `${name} says the video is private`;
  }
}

/** No collector reads this platform here (a live platform left out of the service's configuration). */
export const noCollectorReason = (platform: PlatformName): string =>
  `${PLATFORM_REGISTRY[platform].displayName} is not read by this server (no collector is set up for it)`;
