import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DUE_INDEX } from '../../lib/store/table';
import type { TestTable } from './dynamo';

/** Every item of the test's table, unmarshalled: for asserting what was (not) written. */
export async function scanTable(table: TestTable): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, AttributeValue> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: cursor, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/** Everything in one partition of the due index (the due work by default), whatever its time. */
export async function dueItems(table: TestTable, shard = 'DUE'): Promise<Record<string, unknown>[]> {
  const page = await DynamoDBDocumentClient.from(table.client).send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: DUE_INDEX.name,
      KeyConditionExpression: '#shard = :shard',
      ExpressionAttributeNames: { '#shard': DUE_INDEX.partition },
      ExpressionAttributeValues: { ':shard': shard },
    }),
  );
  return page.Items ?? [];
}
