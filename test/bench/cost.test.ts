import { describe, expect, it } from 'vitest';
import { indexWritesOf } from '../../bench/capacity-meter';
import { costPerMillionConversions, PRICES } from '../../bench/cost';

describe('costPerMillionConversions', () => {
  it('scales one unit of work to a million conversions at the list prices', () => {
    const row = costPerMillionConversions({
      label: 'webhook',
      conversions: 2,
      lambdaInvocations: 1,
      billedMs: 500,
      memoryMb: 512,
      readUnits: 4,
      writeUnits: 10,
      apiGatewayRequests: 1,
    });

    // 500,000 invocations, 0.25 GB-s each, 2 M read and 5 M write units, 500,000 API calls.
    expect(row.lambdaRequests).toBeCloseTo(0.5 * PRICES.lambdaPerMillionRequests, 10);
    expect(row.lambdaDuration).toBeCloseTo(500_000 * 0.25 * PRICES.lambdaArmPerGbSecond, 10);
    expect(row.dynamoReads).toBeCloseTo(2 * PRICES.dynamoPerMillionReadUnits, 10);
    expect(row.dynamoWrites).toBeCloseTo(5 * PRICES.dynamoPerMillionWriteUnits, 10);
    expect(row.apiGateway).toBeCloseTo(0.5 * PRICES.apiGatewayHttpPerMillionRequests, 10);
    expect(row.total).toBeCloseTo(
      row.lambdaRequests + row.lambdaDuration + row.dynamoReads + row.dynamoWrites + row.apiGateway,
      10,
    );
  });
});

describe('indexWritesOf', () => {
  it('counts an item entering the due index, and one written over another that may leave it', () => {
    const due = { pk: 'CLOSE#a', dueShard: 'DUE', dueAt: 1 };
    expect(
      indexWritesOf('PutItemCommand', { Item: due, ConditionExpression: 'attribute_not_exists(pk)' }),
    ).toBe(1);
    expect(indexWritesOf('PutItemCommand', { Item: due, ConditionExpression: 'version = :expected' })).toBe(
      2,
    );
    expect(indexWritesOf('PutItemCommand', { Item: { pk: 'DEAL#x' } })).toBe(1);
    expect(
      indexWritesOf('PutItemCommand', {
        Item: { pk: 'RECEIPT#x' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ).toBe(0);
    expect(
      indexWritesOf('UpdateItemCommand', { UpdateExpression: 'SET planned = :true REMOVE #shard, #dueAt' }),
    ).toBe(1);
    expect(indexWritesOf('BatchGetItemCommand', {})).toBe(0);
  });
});
