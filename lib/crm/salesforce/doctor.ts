import { type CrmDoctorCall, type DoctorCheck, DoctorFailure, runCheck } from '../../doctor/types';
import { requestCrmJson } from '../http-json';
import type { SalesforceConfig } from './settings';

/**
 * Salesforce: `GET /services/data/<version>/limits` (the org's API limits: read-only, any user with API
 * access may call it) proves the instance URL, the token and the API version. Without
 * SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN there is no API to check.
 */
export async function checkSalesforce(
  settings: SalesforceConfig,
  call: CrmDoctorCall,
): Promise<DoctorCheck[]> {
  const { instanceUrl, accessToken } = settings;
  if (!instanceUrl || !accessToken) return [];
  return [
    await runCheck(
      'salesforce',
      `GET /services/data/${settings.apiVersion}/limits`,
      ['SALESFORCE_ACCESS_TOKEN', 'SALESFORCE_INSTANCE_URL', 'SALESFORCE_API_VERSION'],
      async () => {
        const limits = (await requestCrmJson(
          {
            platform: 'Salesforce',
            tokenVariable: 'SALESFORCE_ACCESS_TOKEN',
            fetch: call.fetch,
            now: call.now,
            maxAttempts: 1,
          },
          {
            operation: 'limits',
            method: 'GET',
            url: `${instanceUrl.replace(/\/+$/, '')}/services/data/${settings.apiVersion}/limits`,
            headers: { authorization: `Bearer ${accessToken}` },
            deadline: call.deadline,
          },
        )) as { DailyApiRequests?: { Max?: number; Remaining?: number } } | undefined;
        const daily = limits?.DailyApiRequests;
        if (!daily || typeof daily.Max !== 'number') {
          throw new DoctorFailure('Salesforce answered /limits without DailyApiRequests', [
            'SALESFORCE_INSTANCE_URL',
          ]);
        }
        return `API reachable: ${daily.Remaining ?? '?'} of ${daily.Max} daily API requests left`;
      },
    ),
  ];
}
