import { createDynamoClient } from '../functions/runtime';
import { loadConfig } from '../lib/config';
import { createStore } from '../lib/store/store';
import { applyLocalDefaults, useReportTable } from './env';
import { statusOutput } from './status-output';

/**
 * `npm run status [-- --json] [-- --csv] [-- --subject <leadId | order:<id>>]` (status-output.ts): deliveries by destination and status, what became of them, the oldest waiting ones and the
 * last failures, the CRM deals merged, deleted and restored (lifecycle-status.ts), from DYNAMODB_ENDPOINT (e.g. the one `npm start` prints), else from the AWS table
 * TABLE_NAME with the shell's AWS credentials, else from the local default endpoint.
 */
async function main(argv: string[]): Promise<void> {
  applyLocalDefaults();
  const env = process.env;
  useReportTable(env);
  const config = loadConfig(env);
  const client = createDynamoClient(config);
  const store = createStore({ client, tableName: config.tableName });
  const output = await statusOutput(store, argv, {
    now: Date.now(),
    table: `table ${config.tableName} at ${config.dynamodbEndpoint ?? `AWS ${config.awsRegion}`}`,
    stages: config.conversionStages.map((stage) => stage.name),
  });
  // The CSV ends its own lines (CRLF); everything else gets one.
  process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
  client.destroy();
}

main(process.argv.slice(2)).catch((error) => {
  const message = (error as Error).message;
  console.error(
    message.includes('ECONNREFUSED')
      ? `status: no DynamoDB at ${process.env.DYNAMODB_ENDPOINT} — run \`npm start\` (or the demo) first, or set DYNAMODB_ENDPOINT / TABLE_NAME`
      : `status: ${message}`,
  );
  process.exit(1);
});
