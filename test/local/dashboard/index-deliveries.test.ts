import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../../lib/domain';
import type { Store } from '../../../lib/store/store';
import { indexSettledDeliveries } from '../../../local/dashboard/index-deliveries';
import { deliveryRecord } from '../../support/deliveries';
import { createTestTable } from '../../support/dynamo';

const delivery = deliveryRecord;

describe('indexSettledDeliveries (npm run dashboard -- --index-deliveries)', () => {
  it('puts a settled delivery an earlier version wrote into its partition, once, and only as it was read', async () => {
    const table = await createTestTable();
    const { store } = table;
    // As an earlier version wrote them: no index attributes on a settled delivery.
    const old = [
      delivery('old-1', { status: 'delivered', updatedAt: 5000 }),
      delivery('old-2', { status: 'skipped:consent', updatedAt: 6000 }),
      delivery('old-3', { status: 'processed', updatedAt: 7000 }),
    ];
    for (const record of old) {
      await table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: marshall({ pk: `DELIVERY#${record.subjectKey}#meta`, type: 'delivery', ...renamed(record) }),
        }),
      );
    }
    await store.putDelivery(delivery('new-1', { status: 'delivered', updatedAt: 8000 }), undefined);
    await store.putDelivery(delivery('failed-1', { status: 'failed:x', updatedAt: 9000 }), undefined);
    const moved = { ...delivery('old-3', { status: 'processed', updatedAt: 7000 }), attempts: 2 };

    const { indexed, read } = await indexSettledDeliveries(store);
    expect({ indexed, read }).toEqual({ indexed: 3, read: 5 });
    expect((await indexSettledDeliveries(store)).indexed).toBe(0);
    // Read before another write moved it on: left alone.
    expect(await store.indexSettledDelivery(moved)).toBe(false);

    const keysOf = async (partition: Parameters<Store['queryDeliveryListing']>[0]) =>
      (await store.queryDeliveryListing(partition, { limit: 10 })).entries.map(
        (entry) => entry.delivery.subjectKey,
      );
    expect(await keysOf('STATUS#delivered')).toEqual(['new-1', 'old-1']);
    expect(await keysOf('STATUS#skipped')).toEqual(['old-2']);
    expect(await keysOf('STATUS#processed')).toEqual(['old-3']);
    expect(await keysOf('FAILED')).toEqual(['failed-1']);
  });
});

/** A record under its stored attribute names (the first version's `closeKey`, `closeVersion`). */
function renamed(record: DeliveryRecord): Record<string, unknown> {
  const { subjectKey, subjectVersion, ...rest } = record;
  return { ...rest, closeKey: subjectKey, closeVersion: subjectVersion };
}
