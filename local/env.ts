/**
 * Local mode only: a collect key, a HubSpot secret and a Salesforce token and org so that `npm start` and
 * the samples in events/ work out of the box.
 * Never used by a deployment (Lambda reads its own environment), and any value set in the shell wins.
 */
export const LOCAL_COLLECT_API_KEY = 'local-dev-key-change-me';
/** The samples in events/hubspot are re-signed with this secret by `npm run invoke`. */
export const LOCAL_HUBSPOT_CLIENT_SECRET = 'local-hubspot-secret-change-me';
/** The path token and org of the samples in events/salesforce. */
export const LOCAL_SALESFORCE_WEBHOOK_TOKEN = 'local-salesforce-token-change-me';
export const LOCAL_SALESFORCE_ORG_ID = '00D5g000004ABCDEA4';

export function applyLocalDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env.COLLECT_API_KEYS ??= LOCAL_COLLECT_API_KEY;
  env.HUBSPOT_CLIENT_SECRET ??= LOCAL_HUBSPOT_CLIENT_SECRET;
  env.SALESFORCE_WEBHOOK_TOKEN ??= LOCAL_SALESFORCE_WEBHOOK_TOKEN;
  env.SALESFORCE_ORG_ID ??= LOCAL_SALESFORCE_ORG_ID;
  env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // EMF metrics are for CloudWatch; on a terminal they are noise.
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
}

/**
 * Which table the reports read (`npm run status`, `npm run dashboard`): DYNAMODB_ENDPOINT when set; else, with
 * AWS credentials in the shell (AWS_PROFILE or AWS_ACCESS_KEY_ID), the AWS table TABLE_NAME; else the local
 * DynamoDB `npm start` holds on LOCAL_DYNAMODB_PORT (default 8000).
 */
export function useReportTable(env: NodeJS.ProcessEnv = process.env): void {
  if (env.AWS_PROFILE || env.AWS_ACCESS_KEY_ID) return;
  env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${env.LOCAL_DYNAMODB_PORT ?? 8000}`;
  // A DynamoDB at DYNAMODB_ENDPOINT (the one `npm start` prints) takes any credentials; the SDK still
  // wants some to sign with, and a shell without AWS credentials must not stop the report.
  env.AWS_ACCESS_KEY_ID = 'local';
  env.AWS_SECRET_ACCESS_KEY = 'local';
  env.AWS_REGION ??= 'us-east-1';
}
