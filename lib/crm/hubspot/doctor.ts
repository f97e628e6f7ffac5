import { type CrmDoctorCall, type DoctorCheck, runCheck } from '../../doctor/types';
import { createHubspotClient } from './client';
import type { HubspotConfig } from './settings';

/**
 * HubSpot: the deal pipelines read (`GET /crm/pipelines/<version>/deals`), which the webhook's enrichment
 * makes too — it proves the token, its `crm.objects.deals.read` scope and the date version. Without
 * HUBSPOT_ACCESS_TOKEN there is no API to check (the webhook's secret is checked by HubSpot's calls).
 */
export async function checkHubspot(settings: HubspotConfig, call: CrmDoctorCall): Promise<DoctorCheck[]> {
  if (!settings.accessToken) return [];
  const client = createHubspotClient({
    baseUrl: settings.apiBaseUrl,
    accessToken: settings.accessToken,
    apiVersion: settings.apiVersion,
    fetch: call.fetch,
    now: call.now,
  });
  return [
    await runCheck(
      'hubspot',
      `GET /crm/pipelines/${settings.apiVersion}/deals`,
      ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_API_VERSION'],
      async () => {
        const pipelines = await client.getDealPipelines({ deadline: call.deadline });
        return `${pipelines.length} deal pipeline${pipelines.length === 1 ? '' : 's'} readable with the token`;
      },
    ),
  ];
}
