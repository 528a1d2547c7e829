// The snapshot.created events of a recorded batch are written as one row in the recording transaction
// (webhook_pending_snapshots): an event and a delivery per snapshot there would halve the recording rate.
// The delivery workers expand each such row, in one transaction of their own, into the events and their
// pending deliveries (to the endpoints subscribed when the batch was recorded, if still enabled); each event's
// body is rendered at its first delivery (snapshot-payload.ts). The row commits with the snapshots it
// announces and is deleted with its expansion, so no event is lost or written twice.
import { newTimeOrderedId } from '../ids.ts';
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import {
  enabledEndpointIds,
  hasPendingSnapshots,
  insertWebhookEvents,
  type NewDelivery,
  takePendingSnapshots,
} from '../store/webhooks.ts';

/** Expands up to `limit` recorded batches; answers how many events it wrote. */
export async function expandPendingSnapshots(store: NotInTransaction, limit: number): Promise<number> {
  if (!(await hasPendingSnapshots(store))) return 0;
  return writeTransaction(store, async (tx) => {
    let written = 0;
    for (const batch of await takePendingSnapshots(tx, limit)) {
      const endpoints = await enabledEndpointIds(tx, JSON.parse(batch.endpoint_ids) as string[]);
      if (endpoints.size === 0) continue;
      const items = JSON.parse(batch.items) as unknown[];
      const events = [];
      const deliveries: NewDelivery[] = [];
      for (const item of items) {
        const id = newTimeOrderedId('evt', batch.created_at);
        events.push({
          id,
          account_id: batch.account_id,
          mode: batch.mode,
          type: 'snapshot.created',
          payload: null,
          deferred_data: JSON.stringify(item),
          created_at: batch.created_at,
        });
        for (const endpointId of endpoints) {
          deliveries.push({
            id: newTimeOrderedId('dlv', batch.created_at),
            endpointId,
            eventId: id,
            at: batch.created_at,
          });
        }
      }
      await insertWebhookEvents(tx, events, deliveries);
      written += events.length;
    }
    return written;
  });
}
