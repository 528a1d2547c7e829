// What an outbound failure means for an Instagram collection.

import type { OutboundFailureKind } from '../../http/types.ts';
import { outboundFailure } from '../outbound-failure.ts';
import type { CollectFailure } from '../types.ts';

export const classifyOutboundFailure = (
  kind: OutboundFailureKind,
  message: string,
  url: string,
): CollectFailure => outboundFailure('Instagram', { kind, message }, url);
