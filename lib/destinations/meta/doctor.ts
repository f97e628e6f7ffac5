import { type DoctorCall, type DoctorCheck, DoctorFailure, runCheck } from '../../doctor/types';
import { redactMessage } from '../../observability/redact';
import type { DestinationDependencies } from '../definition';
import { getRequest } from '../http';
import type { MetaConfig } from './settings';

const TIMEOUT_MS = 10_000;

/**
 * Meta: `GET /<version>/<pixel id>?fields=id,name` — reads the dataset, sends nothing. The token goes in
 * the Authorization header (the Graph API takes it there), never in the URL. Error 190 is the token;
 * 100 / 803 ("does not exist, cannot be loaded due to missing permissions") the pixel ID.
 */
export function createMetaDoctor(
  config: MetaConfig,
  dependencies: DestinationDependencies,
): (call: DoctorCall) => Promise<DoctorCheck[]> {
  return async (call) => [
    await runCheck(
      'meta',
      `GET /${config.apiVersion}/<pixel>?fields=id,name`,
      ['META_ACCESS_TOKEN', 'META_PIXEL_ID'],
      async () => {
        const response = await getRequest({
          fetch: dependencies.fetch,
          url: `${config.graphBaseUrl}/${config.apiVersion}/${encodeURIComponent(config.pixelId)}?fields=id,name`,
          headers: { authorization: `Bearer ${config.accessToken}`, accept: 'application/json' },
          now: dependencies.now,
          deadline: call.deadline,
          timeoutMs: TIMEOUT_MS,
        });
        const body = (response.body ?? {}) as {
          id?: unknown;
          name?: unknown;
          error?: { code?: number; message?: string };
        };
        if (response.status === 200 && String(body.id) === config.pixelId) {
          return `dataset ${config.pixelId}${typeof body.name === 'string' ? ` (${redactMessage(body.name)})` : ''} readable with the token`;
        }
        const code = body.error?.code;
        const message = redactMessage(body.error?.message ?? `HTTP ${response.status}`);
        if (code === 190 || response.status === 401) {
          throw new DoctorFailure(`Meta refused the access token (${code ?? response.status}): ${message}`, [
            'META_ACCESS_TOKEN',
          ]);
        }
        if (code === 100 || code === 803 || response.status === 404) {
          throw new DoctorFailure(
            `Meta cannot read the dataset META_PIXEL_ID names (error ${code ?? response.status}): ${message}`,
            ['META_PIXEL_ID'],
          );
        }
        throw new DoctorFailure(`Meta answered ${response.status}: ${message}`, [
          'META_ACCESS_TOKEN',
          'META_PIXEL_ID',
        ]);
      },
    ),
  ];
}
