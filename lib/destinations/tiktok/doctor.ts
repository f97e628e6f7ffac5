import { type DoctorCall, type DoctorCheck, DoctorFailure, runCheck } from '../../doctor/types';
import { sha256Hex } from '../../leads/hash';
import type { DestinationDependencies } from '../definition';
import { postJson } from '../json-upload';
import { classifyTiktokResponse } from './errors';
import { buildTiktokRequest } from './request';
import type { TiktokConfig } from './settings';

const TIMEOUT_MS = 10_000;

/**
 * TikTok: with TIKTOK_TEST_EVENT_CODE set, one synthetic event carrying that code (Events Manager shows it
 * under Test Events, and it does not count) to the CRM Event Set, else to the pixel. Without a test code
 * nothing is sent: a real event would count.
 */
export function createTiktokDoctor(
  config: TiktokConfig,
  dependencies: DestinationDependencies,
): (call: DoctorCall) => Promise<DoctorCheck[]> {
  return async (call) => {
    const source = config.crmEventSetId ? 'crm' : 'web';
    const check = `POST /event/track/ test event (${source})`;
    if (!config.testEventCode) {
      return [
        {
          target: 'tiktok',
          check,
          ok: true,
          detail: 'not sent: set TIKTOK_TEST_EVENT_CODE to check the token and event set',
        },
      ];
    }
    const variables = [
      'TIKTOK_ACCESS_TOKEN',
      source === 'crm' ? 'TIKTOK_CRM_EVENT_SET_ID' : 'TIKTOK_PIXEL_CODE',
      'TIKTOK_TEST_EVENT_CODE',
    ];
    return [
      await runCheck('tiktok', check, variables, async () => {
        const now = dependencies.now();
        const request = buildTiktokRequest(
          [
            {
              event: 'CompleteRegistration',
              event_time: Math.floor(now / 1000),
              event_id: `connector-doctor-${now}`,
              user: { email: [sha256Hex('doctor@example.com')] },
              ...(source === 'crm' ? { lead: { lead_event_source: 'connector doctor' } } : {}),
              properties: { value: 1, currency: 'USD' },
            },
          ],
          source,
          config,
        );
        const { response } = await postJson({ ...dependencies, timeoutMs: TIMEOUT_MS })(
          { url: request.url, headers: { 'access-token': config.accessToken }, body: request.body },
          call.deadline,
        );
        const verdict = classifyTiktokResponse(response, dependencies.now());
        if (verdict.kind === 'accepted')
          return `test event taken${verdict.responseId ? ` (request_id ${verdict.responseId})` : ''}`;
        throw new DoctorFailure(
          verdict.kind === 'error' ? verdict.error.message : 'TikTok refused the test event',
          variables,
        );
      }),
    ];
  };
}
