/**
 * Dollars per 1 million conversions from what the bench measured (Lambda billed duration and invocations,
 * DynamoDB request units, API Gateway requests) at the published us-east-1 list prices. A conversion is one
 * close uploaded to one platform; the webhook path's close makes two (Google and Meta). Free tiers and
 * savings plans are left out: these are the prices a million conversions pay on top of them.
 */
export const PRICES = {
  region: 'us-east-1',
  /** When the prices below were read from the AWS pricing pages. */
  readOn: '2026-12-01',
  /** Lambda, Arm (serverless.yml: architecture arm64), first duration tier: aws.amazon.com/lambda/pricing. */
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  /** DynamoDB on-demand, standard table class (rates in effect since 2024-11-01): aws.amazon.com/dynamodb/pricing/on-demand. */
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  /** API Gateway HTTP API, first 300 million requests a month: aws.amazon.com/api-gateway/pricing. */
  apiGatewayHttpPerMillionRequests: 1.0,
} as const;

/** What one unit of work (a webhook call, a collect request, a backfill run) cost, and how many conversions it carried. */
export type MeasuredWork = {
  label: string;
  conversions: number;
  lambdaInvocations: number;
  /** Billed milliseconds of all those invocations. */
  billedMs: number;
  memoryMb: number;
  readUnits: number;
  writeUnits: number;
  apiGatewayRequests: number;
};

export type CostRow = {
  label: string;
  lambdaRequests: number;
  lambdaDuration: number;
  dynamoReads: number;
  dynamoWrites: number;
  apiGateway: number;
  total: number;
};

export function costPerMillionConversions(work: MeasuredWork, prices = PRICES): CostRow {
  const scale = 1_000_000 / work.conversions;
  const gbSeconds = (work.billedMs / 1000) * (work.memoryMb / 1024);
  const row = {
    label: work.label,
    lambdaRequests: ((work.lambdaInvocations * scale) / 1_000_000) * prices.lambdaPerMillionRequests,
    lambdaDuration: gbSeconds * scale * prices.lambdaArmPerGbSecond,
    dynamoReads: ((work.readUnits * scale) / 1_000_000) * prices.dynamoPerMillionReadUnits,
    dynamoWrites: ((work.writeUnits * scale) / 1_000_000) * prices.dynamoPerMillionWriteUnits,
    apiGateway: ((work.apiGatewayRequests * scale) / 1_000_000) * prices.apiGatewayHttpPerMillionRequests,
  };
  return {
    ...row,
    total: row.lambdaRequests + row.lambdaDuration + row.dynamoReads + row.dynamoWrites + row.apiGateway,
  };
}

export function formatCostTable(rows: readonly CostRow[]): string {
  const money = (value: number) => `$${value.toFixed(2)}`;
  return [
    '| per 1 million conversions | Lambda requests | Lambda GB-s | DynamoDB reads | DynamoDB writes | API Gateway | total |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.label} | ${money(row.lambdaRequests)} | ${money(row.lambdaDuration)} | ${money(row.dynamoReads)} | ${money(row.dynamoWrites)} | ${money(row.apiGateway)} | **${money(row.total)}** |`,
    ),
  ].join('\n');
}
