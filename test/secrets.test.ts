import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveParameters } from '../lib/secrets';
import { type FakeServer, startFakeServer } from './support/fakes/fake-server';

describe('resolveParameters', () => {
  it('leaves the environment alone without SSM_PARAMETER_PATH', async () => {
    const env = { META_ACCESS_TOKEN: 'x' };
    expect(await resolveParameters(env, async () => ({ META_PIXEL_ID: '1' }))).toBe(env);
  });

  it('fills configuration names from the path, lets the environment win, ignores other names', async () => {
    const paths: string[] = [];
    const resolved = await resolveParameters(
      { SSM_PARAMETER_PATH: '/crm-conversions/prod/', META_PIXEL_ID: '42', TABLE_NAME: '' },
      async (path) => {
        paths.push(path);
        return {
          META_ACCESS_TOKEN: 'token',
          META_PIXEL_ID: '7',
          TABLE_NAME: 't',
          'nested/thing': 'x',
          lower: 'y',
        };
      },
    );

    expect(paths).toEqual(['/crm-conversions/prod']);
    expect(resolved).toEqual({
      SSM_PARAMETER_PATH: '/crm-conversions/prod/',
      META_PIXEL_ID: '42',
      META_ACCESS_TOKEN: 'token',
      TABLE_NAME: 't',
    });
  });
});

/** A loopback SSM (JSON 1.1 protocol) answering GetParametersByPath in two pages. */
describe('getDefaultRuntime with SSM Parameter Store', () => {
  let ssm: FakeServer<'GetParametersByPath'>;
  const saved = { ...process.env };
  const requests = () =>
    ssm.requests.map((request) => ({
      target: request.headers['x-amz-target'],
      ...(request.body as Record<string, unknown>),
    }));

  beforeAll(async () => {
    ssm = await startFakeServer({
      name: 'SSM',
      route: (request) =>
        request.headers['x-amz-target'] === 'AmazonSSM.GetParametersByPath'
          ? 'GetParametersByPath'
          : undefined,
      handle: (request) => {
        const input = request.body as Record<string, unknown>;
        const page =
          input.NextToken === undefined
            ? {
                Parameters: [{ Name: '/crm-conversions/test/META_PIXEL_ID', Value: '1234567890' }],
                NextToken: 'p2',
              }
            : { Parameters: [{ Name: '/crm-conversions/test/META_ACCESS_TOKEN', Value: 'secret-token' }] };
        return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: page };
      },
    });
    process.env.AWS_ENDPOINT_URL_SSM = ssm.baseUrl;
    process.env.SSM_PARAMETER_PATH = '/crm-conversions/test';
  });
  afterAll(async () => {
    process.env = saved;
    expect(ssm.violations).toEqual([]);
    await ssm.close();
  });

  it('reads the whole path once, decrypted, and enables the destination it configures', async () => {
    const { getDefaultRuntime } = await import('../functions/runtime');

    const runtime = await getDefaultRuntime();

    expect(runtime.config.meta).toMatchObject({ pixelId: '1234567890', accessToken: 'secret-token' });
    expect(requests()).toEqual([
      expect.objectContaining({
        target: 'AmazonSSM.GetParametersByPath',
        Path: '/crm-conversions/test',
        WithDecryption: true,
        Recursive: false,
      }),
      expect.objectContaining({ NextToken: 'p2' }),
    ]);
    expect(await getDefaultRuntime()).toBe(runtime);
    expect(requests()).toHaveLength(2);
  });
});
