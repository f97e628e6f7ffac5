import { type FakeServer, startFakeServer } from './fake-server';

/**
 * Google's OAuth2 token endpoint (refresh-token grant), per platform-apis.md §1b: a form-encoded POST of
 * client_id, client_secret, refresh_token, grant_type=refresh_token → {access_token, expires_in,
 * token_type: "Bearer", scope}. Wrong credentials get Google's own error codes.
 */
export const TEST_GOOGLE_CLIENT = {
  clientId: 'test-client.apps.googleusercontent.com',
  clientSecret: 'test-client-secret',
  refreshToken: '1//test-refresh-token',
};

export type GoogleOAuthFake = FakeServer<'token'> & {
  tokenUrl: string;
  /** Tokens issued so far (each refresh issues a new one). */
  issued: string[];
  isValid(authorization: string | string[] | undefined): boolean;
  /** Revokes every token issued so far (they expire early): APIs answer 401 until the next refresh. */
  expireAll(): void;
  /** The granted scope; Data Manager needs https://www.googleapis.com/auth/datamanager. */
  scope: string;
};

export async function createGoogleOAuthFake(
  options: { expiresIn?: number; scope?: string } = {},
): Promise<GoogleOAuthFake> {
  const issued: string[] = [];
  const valid = new Set<string>();
  const server = await startFakeServer({
    name: 'OAuth',
    route: (request) => (request.path === '/token' ? 'token' : undefined),
    // The refresh grant is form-encoded, not JSON.
    json: false,
    refusal: () => ({ status: 400, body: { error: 'invalid_request' } }),
    handle: (request, contract) => {
      if (request.method !== 'POST') return contract.refuse('the token endpoint takes POST');
      if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        return contract.refuse('body must be form-encoded');
      const form = new URLSearchParams(request.rawBody);
      if (form.get('grant_type') !== 'refresh_token') {
        contract.violation('grant_type must be refresh_token');
        return { status: 400, body: { error: 'unsupported_grant_type' } };
      }
      if (
        form.get('client_id') !== TEST_GOOGLE_CLIENT.clientId ||
        form.get('client_secret') !== TEST_GOOGLE_CLIENT.clientSecret
      ) {
        return {
          status: 401,
          body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
        };
      }
      if (form.get('refresh_token') !== TEST_GOOGLE_CLIENT.refreshToken) {
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
        };
      }
      const token = `ya29.test-token-${issued.length + 1}`;
      issued.push(token);
      valid.add(token);
      return {
        status: 200,
        body: {
          access_token: token,
          expires_in: options.expiresIn ?? 3599,
          token_type: 'Bearer',
          scope: fake.scope,
        },
      };
    },
  });
  const fake: GoogleOAuthFake = {
    ...server,
    tokenUrl: `${server.baseUrl}/token`,
    issued,
    scope:
      options.scope ?? 'https://www.googleapis.com/auth/datamanager https://www.googleapis.com/auth/adwords',
    isValid(authorization) {
      const value = Array.isArray(authorization) ? authorization[0] : authorization;
      const match = /^Bearer (.+)$/.exec(value ?? '');
      return match !== null && valid.has(match[1] as string);
    },
    expireAll() {
      valid.clear();
    },
  };
  return fake;
}
