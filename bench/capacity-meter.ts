import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DUE_INDEX } from '../lib/store/table';

/**
 * What DynamoDB on-demand would bill for the calls a client makes: read and write request units. The
 * bench asks for them on every call (`ReturnConsumedCapacity: INDEXES`; the table computes them by item
 * size, as DynamoDB does for the table itself). Index writes the table does not report are added from the
 * request: an item written with the due index's attributes is one index write; one written over an existing
 * item, or an update that removes them, may take an item out of the index, counted as one more — an upper
 * bound, since DynamoDB bills only what actually changes in the index.
 */
export type CapacityUnits = { read: number; write: number };

export type CapacityMeter = { take(): CapacityUnits; peek(): CapacityUnits };

type ConsumedCapacity = { CapacityUnits?: number };

function sum(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number {
  if (consumed === undefined) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce(
    (total, entry) => total + (entry.CapacityUnits ?? 0),
    0,
  );
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** Index writes a request may cause, from its own shape (see above). */
export function indexWritesOf(command: string, input: Record<string, unknown>): number {
  if (command === 'PutItemCommand') {
    const item = (input.Item ?? {}) as Record<string, unknown>;
    const entersIndex = DUE_INDEX.partition in item ? 1 : 0;
    const condition = String(input.ConditionExpression ?? '');
    const overwrites = condition === '' || !condition.includes('attribute_not_exists') ? 1 : 0;
    return entersIndex + overwrites;
  }
  if (command === 'UpdateItemCommand') {
    return /REMOVE/.test(String(input.UpdateExpression ?? '')) ? 1 : 0;
  }
  return 0;
}

export function meterCapacity(client: DynamoDBClient): CapacityMeter {
  let units: CapacityUnits = { read: 0, write: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'INDEXES';
      const indexWrites = indexWritesOf(command, input);
      try {
        const result = await next(args);
        const consumed = sum((result.output as { ConsumedCapacity?: ConsumedCapacity }).ConsumedCapacity);
        if (READS.has(command)) units.read += consumed;
        else units.write += consumed + indexWrites;
        return result;
      } catch (error) {
        // A failed condition is still billed: one unit for the write that was refused.
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') units.write += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return {
    take() {
      const taken = units;
      units = { read: 0, write: 0 };
      return taken;
    },
    peek: () => ({ ...units }),
  };
}
