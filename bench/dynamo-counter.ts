import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CallLog } from './latency-proxy';

/**
 * The DynamoDB call counter: every request the client sends (each attempt, where the SDK retries) is
 * logged with its action and its time, as the latency proxies log the platforms' requests. It sits on the
 * client itself (the store's document client sends through it), inside the SDK's retry step.
 */
export function countDynamoCalls(
  client: DynamoDBClient,
  log: CallLog,
  clock: () => number = () => performance.now(),
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const start = clock();
      try {
        return await next(args);
      } finally {
        log.record({
          service: 'dynamodb',
          operation: String(context.commandName).replace(/Command$/, ''),
          start,
          end: clock(),
        });
      }
    },
    { step: 'deserialize', name: 'benchDynamoCallCounter' },
  );
}
