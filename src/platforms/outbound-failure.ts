// What a failed exchange (no HTTP answer to read) means for a collection, the same on every platform.
import type { OutboundResult } from '../http/types.ts';
import type { CollectFailure } from './types.ts';

type OutboundFailure = Extract<OutboundResult, { ok: false }>;

/** `url` is the platform URL that was asked for: a failed exchange names its host to whoever must act on it. */
export function outboundFailure(
  source: string,
  outbound: Pick<OutboundFailure, 'kind' | 'message'>,
  url?: string,
): CollectFailure {
  switch (outbound.kind) {
    case 'timeout':
    case 'network':
    case 'aborted': {
      const failure: CollectFailure = {
        kind: 'transient',
        message: `${source} request failed: ${outbound.kind} (${outbound.message})`,
      };
      const host = url === undefined ? undefined : hostOf(url);
      if (outbound.kind !== 'aborted' && host !== undefined)
        failure.exchange = { failed: outbound.kind, host };
      return failure;
    }
    case 'too_large':
      // A video page weighs a few hundred kilobytes and an API answer far less: megabytes mean it is not
      // the document we know how to read.
      return { kind: 'format_changed', message: `${source} answered with a body over the size cap` };
    case 'host_not_allowed':
    case 'too_many_redirects':
      // Off-site redirects and redirect loops are how platforms turn away clients they do not serve.
      return { kind: 'blocked', message: `${source} redirected us away (${outbound.kind})` };
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
