import { type DoctorCall, type DoctorCheck, DoctorFailure, runCheck } from '../../doctor/types';
import { redactMessage } from '../../observability/redact';
import type { DestinationDependencies } from '../definition';
import { postRequest } from '../http';
import type { Ga4Config } from './settings';

const TIMEOUT_MS = 10_000;

/**
 * GA4: one synthetic event to the Measurement Protocol's validation server, `/debug/mp/collect`, which
 * records nothing and answers `{validationMessages: [...]}` (the collect endpoint itself answers 2xx
 * whatever it is sent). An empty list passes; each message is reported with its field path.
 */
export function createGa4Doctor(
  config: Ga4Config,
  dependencies: DestinationDependencies,
): (call: DoctorCall) => Promise<DoctorCheck[]> {
  return async (call) => [
    await runCheck('ga4', 'POST /debug/mp/collect', ['GA4_MEASUREMENT_ID', 'GA4_API_SECRET'], async () => {
      const response = await postRequest({
        fetch: dependencies.fetch,
        url: `${config.baseUrl}/debug/mp/collect?measurement_id=${encodeURIComponent(config.measurementId)}&api_secret=${encodeURIComponent(config.apiSecret)}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: 'connector-doctor.1',
          events: [{ name: 'connector_doctor', params: { engagement_time_msec: 1 } }],
        }),
        now: dependencies.now,
        deadline: call.deadline,
        timeoutMs: TIMEOUT_MS,
      });
      const messages = (response.body as { validationMessages?: unknown } | undefined)?.validationMessages;
      if (response.status >= 200 && response.status < 300 && Array.isArray(messages)) {
        if (messages.length === 0)
          return `stream ${config.measurementId}: the validation server found nothing wrong`;
        const said = messages
          .map((message) => {
            const { fieldPath, description } = (message ?? {}) as {
              fieldPath?: string;
              description?: string;
            };
            return `${fieldPath ?? '(request)'}: ${description ?? 'invalid'}`;
          })
          .join('; ');
        throw new DoctorFailure(`GA4's validation server: ${redactMessage(said)}`, [
          'GA4_MEASUREMENT_ID',
          'GA4_API_SECRET',
        ]);
      }
      throw new DoctorFailure(`GA4's validation server answered ${response.status}`, [
        'GA4_MEASUREMENT_ID',
        'GA4_BASE_URL',
      ]);
    }),
  ];
}
