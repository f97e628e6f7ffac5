import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionName } from '../lib/http/routes';

/** serverless.yml's provider timeout: a function that sets none gets it. */
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** serverless.yml's timeouts, so local runs stop where Lambda would (a test holds the two together). */
export const FUNCTION_TIMEOUT_SECONDS: Readonly<Record<FunctionName, number>> = {
  collect: 10,
  'hubspot-webhook': 10,
  'salesforce-webhook': 25,
  'salesforce-cdc': 30,
  backfill: 900,
  doctor: 30,
  erase: 300,
};

/** A Lambda context for local invocations: the same remaining-time contract handlers rely on. */
export function createLambdaContext(functionName: FunctionName, timeoutSeconds?: number): Context {
  const deadline =
    Date.now() + (timeoutSeconds ?? FUNCTION_TIMEOUT_SECONDS[functionName] ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `crm-conversions-local-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:crm-conversions-local-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/crm-conversions-local-${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
