// What an outbound failure means for an Instagram collection.

import type { OutboundFailureKind } from '../../http/types.ts';
import type { CollectFailure } from '../types.ts';

export function classifyOutboundFailure(kind: OutboundFailureKind, message: string): CollectFailure {
  switch (kind) {
    case 'timeout':
    case 'network':
    case 'aborted':
      return { kind: 'transient', message: `Instagram request failed (${kind}): ${message}` };
    case 'too_large':
      return { kind: 'format_changed', message: 'Instagram answered with a body larger than the cap' };
    case 'host_not_allowed':
    case 'too_many_redirects':
      // Off-site or looping redirects are how Instagram turns unwanted visitors away.
      return { kind: 'blocked', message: `Instagram redirected somewhere we do not follow (${kind})` };
  }
}
