import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  classifyResponse,
  ERROR_GUIDE,
  mayRetryAfter401,
  OpenEmrError,
  parseJsonBody,
  type ClassifyContext,
  type HttpResponse,
  type OpenEmrErrorKind,
} from '../../../src/core';

export function fakeResponse(
  status: number,
  body: string | object | null | undefined,
  method: HttpResponse['method'] = 'GET',
): HttpResponse {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const { isJson, json } = parseJsonBody(text, typeof body === 'object' ? 'application/json' : '');
  return {
    status,
    statusText: '',
    url: 'https://emr.test/apis/default/api/patient',
    method,
    headers: {},
    contentType: '',
    ms: 1,
    size: text.length,
    bytes: Buffer.from(text),
    text,
    json,
    isJson,
  };
}

const kernel = (message: string) => ({ error: 'An error occurred', message, code: 0 });
const league = (error: string, description: string, hint?: string) => ({
  error,
  error_description: description,
  hint,
  message: description,
});
const API: ClassifyContext = { endpoint: 'api', requiredScope: 'user/patient.s', requiredScopeV1: 'user/patient.read' };

type Case = [
  name: string,
  status: number,
  body: string | object | null | undefined,
  ctx: ClassifyContext,
  kind: OpenEmrErrorKind,
];

/** Every error shape of facts §6 (and the OAuth errors of §2-3), for 7.0.3 and 8.x. */
const CASES: Case[] = [
  ['7: oauth with APIs off', 404, undefined, { endpoint: 'token' }, 'api-disabled'],
  ['8: oauth with APIs off', 404, kernel('OpenEMR Error: API is disabled'), { endpoint: 'token' }, 'api-disabled'],
  ['7: /apis with that API off', 501, undefined, API, 'api-disabled'],
  ['7: unknown site', 400, undefined, API, 'unknown-site'],
  ['7: unknown site on oauth (401)', 401, undefined, { endpoint: 'token' }, 'unknown-site'],
  [
    '8: unknown site',
    400,
    kernel(
      'OpenEMR Error: api site error, so forced exit.  Please ensure that the site is set up correctly in the OpenEMR configuration.',
    ),
    API,
    'unknown-site',
  ],
  [
    'client disabled/unknown',
    401,
    league('invalid_client', 'Client authentication failed'),
    { endpoint: 'token', grant: 'password' },
    'client-disabled',
  ],
  [
    'introspect: not registered',
    401,
    league('invalid_client', 'Not a registered client'),
    { endpoint: 'introspect' },
    'client-unknown',
  ],
  [
    'introspect (plain message)',
    401,
    { error: 'invalid_request', message: 'Not a registered client' },
    { endpoint: 'introspect' },
    'client-unknown',
  ],
  [
    'bad credentials',
    400,
    league('invalid_grant', 'The provided authorization grant ...', 'Failed Authentication'),
    { endpoint: 'token', grant: 'password' },
    'bad-credentials',
  ],
  [
    'bad refresh token',
    400,
    league('invalid_grant', 'The refresh token is invalid.', 'Token has been revoked'),
    { endpoint: 'token', grant: 'refresh_token' },
    'invalid-grant',
  ],
  [
    'password grant off',
    400,
    league(
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server.',
      'Check that all required parameters have been provided',
    ),
    { endpoint: 'token', grant: 'password' },
    'password-grant-off',
  ],
  [
    'client_credentials unsupported',
    400,
    league('unsupported_grant_type', 'not supported'),
    { endpoint: 'token', grant: 'client_credentials' },
    'grant-unsupported',
  ],
  ['mfa invalid', 401, league('mfa_token_invalid', 'MFA token invalid'), { endpoint: 'token', grant: 'password' }, 'mfa-failed'],
  [
    'mfa unsupported',
    403,
    league('mfa_not_supported', 'MFA not supported.'),
    { endpoint: 'token', grant: 'password' },
    'mfa-failed',
  ],
  [
    'invalid scope',
    400,
    league('invalid_scope', 'The requested scope is invalid, unknown, or malformed', 'Check the `launch/encounter` scope'),
    { endpoint: 'token' },
    'invalid-scope',
  ],
  [
    'missing parameter',
    400,
    league('invalid_request', 'The request is missing a required parameter', 'Check the `email` parameter'),
    { endpoint: 'token', grant: 'password' },
    'invalid-request',
  ],
  [
    'registration: public with user scopes',
    400,
    league('invalid_client_metadata', 'system and user scopes are only allowed for confidential clients'),
    { endpoint: 'registration' },
    'registration-rejected',
  ],
  [
    'registration: redirect uris',
    400,
    league('invalid_redirect_uri', 'redirect_uris is invalid'),
    { endpoint: 'registration' },
    'registration-rejected',
  ],
  [
    '7: missing bearer',
    401,
    league('access_denied', 'The resource owner or authorization server denied the request.', 'Missing "Authorization" header'),
    API,
    'not-signed-in',
  ],
  [
    '7: expired token',
    401,
    league(
      'access_denied',
      'The resource owner or authorization server denied the request.',
      'Access token could not be verified',
    ),
    API,
    'token-expired',
  ],
  [
    '7: revoked token',
    401,
    league('access_denied', 'The resource owner or authorization server denied the request.', 'Access token has been revoked'),
    API,
    'token-revoked',
  ],
  [
    '8: invalid/expired token',
    401,
    kernel('The resource owner or authorization server denied the request.'),
    API,
    'token-expired',
  ],
  [
    '8: logged out',
    400,
    {
      error: 'invalid _request',
      error_description: 'Refresh Token revoked or logged out',
      message: 'Refresh Token revoked or logged out',
    },
    API,
    'token-revoked',
  ],
  [
    '8: insufficient permissions (api:oemr / role)',
    403,
    kernel('OpenEMR Error: API call failed due to insufficient permissions for the requested resource.'),
    API,
    'insufficient-permissions',
  ],
  ['8: missing resource scope', 401, kernel('Unauthorized'), API, 'missing-scope'],
  ['8: ACL denied', 403, kernel('Organization policy does not have permit access resource'), API, 'acl-denied'],
  ['7: 401 empty, scope missing', 401, undefined, { ...API, tokenScopes: ['api:oemr', 'openid'] }, 'missing-scope'],
  [
    '7: 401 empty, api:oemr missing',
    401,
    undefined,
    { ...API, tokenScopes: ['api:fhir', 'user/patient.read'] },
    'insufficient-permissions',
  ],
  ['7: 401 empty, scopes fine -> ACL', 401, undefined, { ...API, tokenScopes: ['api:oemr', 'user/patient.read'] }, 'acl-denied'],
  ['7: unknown route', 404, undefined, API, 'route-not-found'],
  ['M-2509: unknown route bug', 500, kernel('System error occurred'), API, 'server-error'],
  ['8: unknown route', 404, kernel('Route not found'), API, 'route-not-found'],
  ['8: unsupported method', 501, kernel('Not implemented'), API, 'method-not-supported'],
  ['single item missing (null body)', 404, 'null', API, 'resource-not-found'],
  [
    'FHIR read missing',
    404,
    { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Resource not found' }] },
    { endpoint: 'fhir' },
    'resource-not-found',
  ],
  ['validation errors', 400, { validationErrors: { fname: 'required' }, internalErrors: [], data: [] }, API, 'validation'],
  ['internal errors', 500, { validationErrors: [], internalErrors: ['db failure'], data: [] }, API, 'server-error'],
  ['7: server error empty', 500, undefined, API, 'server-error'],
  ['PHP HTML page', 500, '<!DOCTYPE html><html><body>Fatal error</body></html>', API, 'server-error'],
  ['HTML page on 200-range-like error', 418, '<html>teapot</html>', API, 'non-json'],
  [
    'registration server error',
    500,
    league('server_error', 'Server error', 'Try again. Unable to create account'),
    { endpoint: 'registration' },
    'server-error',
  ],
  [
    'logout without id token',
    400,
    league('invalid _request', 'Id token missing from request'),
    { endpoint: 'logout' },
    'invalid-request',
  ],
];

describe('core/api/classify', () => {
  for (const [name, status, body, ctx, kind] of CASES) {
    it(`${name} -> ${kind}`, () => {
      const err = classifyResponse(fakeResponse(status, body), ctx);
      assert.equal(err.kind, kind);
      assert.equal(err.status, status);
      assert.ok(err.explanation && err.fix);
      assert.ok(!err.message.includes('\n'));
    });
  }

  it('names the scope to add or remove in the fix', () => {
    const missing = classifyResponse(fakeResponse(401, kernel('Unauthorized')), API);
    assert.match(missing.fix, /user\/patient\.s/);
    assert.deepEqual(missing.scopes, ['user/patient.s']);
    const invalid = classifyResponse(fakeResponse(400, league('invalid_scope', 'x', 'Check the `launch/encounter` scope')), {
      endpoint: 'token',
    });
    assert.deepEqual(invalid.scopes, ['launch/encounter']);
    assert.match(invalid.fix, /launch\/encounter/);
    assert.match(
      classifyResponse(fakeResponse(400, league('invalid_request', 'x', 'Check the `email` parameter')), { endpoint: 'token' })
        .fix,
      /email/,
    );
  });

  it('the retry rule: gate rejections for any method, unknown 401s only for idempotent methods, never for scopes', () => {
    const gate = fakeResponse(401, kernel('The resource owner or authorization server denied the request.'), 'POST');
    assert.equal(mayRetryAfter401('POST', gate, classifyResponse(gate, API)), true);
    const leagueGate = fakeResponse(401, league('access_denied', 'denied', 'Access token could not be verified'), 'POST');
    assert.equal(mayRetryAfter401('POST', leagueGate, classifyResponse(leagueGate, API)), true);
    const unknown = fakeResponse(401, { weird: true }, 'POST');
    assert.equal(mayRetryAfter401('POST', unknown, classifyResponse(unknown, API)), false);
    assert.equal(mayRetryAfter401('GET', unknown, classifyResponse(unknown, API)), true);
    const scope = fakeResponse(401, kernel('Unauthorized'));
    assert.equal(mayRetryAfter401('GET', scope, classifyResponse(scope, API)), false);
    const forbidden = fakeResponse(403, kernel('Organization policy does not have permit access resource'));
    assert.equal(mayRetryAfter401('GET', forbidden, classifyResponse(forbidden, API)), false);
  });

  it('the resend rules: "idempotent" never re-sends a POST or PATCH, "never" re-sends nothing', () => {
    const gate = fakeResponse(401, kernel('The resource owner or authorization server denied the request.'), 'POST');
    const error = classifyResponse(gate, API);
    assert.equal(mayRetryAfter401('POST', gate, error, 'idempotent'), false);
    assert.equal(mayRetryAfter401('PATCH', gate, error, 'idempotent'), false);
    assert.equal(mayRetryAfter401('GET', gate, error, 'idempotent'), true);
    assert.equal(mayRetryAfter401('PUT', gate, error, 'idempotent'), true);
    assert.equal(mayRetryAfter401('GET', gate, error, 'never'), false);
    assert.equal(mayRetryAfter401('PUT', gate, error, 'never'), false);
  });

  it('an OpenEmrError never carries a token, whoever builds it, and serialises without one', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXh5eg';
    const err = new OpenEmrError('unexpected', `failed with ${jwt}\nsecond line`, { serverMessage: `Bearer ${jwt}` });
    assert.ok(!JSON.stringify(err.toJSON()).includes('c2lnbmF0dXJlLXh5eg'));
    assert.ok(!err.message.includes('\n'));
    assert.equal(err.toJSON().kind, 'unexpected');
  });

  it('every kind has an explanation and a fix', () => {
    for (const [kind, guide] of Object.entries(ERROR_GUIDE)) {
      assert.ok(guide.explanation.length > 10 && !guide.explanation.includes('\n'), kind);
      assert.ok(guide.fix.length > 5, kind);
    }
  });

  it('property: any body gives a one-line error with a known kind and no secret', () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record(
          { error: fc.string(), message: fc.string(), hint: fc.string(), error_description: fc.string() },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
      fc.constant('<html><body>Fatal</body></html>'),
    );
    const endpoints = fc.constantFrom<ClassifyContext['endpoint']>(
      'token',
      'registration',
      'introspect',
      'logout',
      'api',
      'fhir',
      'portal',
      'discovery',
    );
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 599 }), hostile, endpoints, (status, body, endpoint) => {
        const secretBody = `${body} access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl`;
        const err = classifyResponse(fakeResponse(status, secretBody), { endpoint });
        assert.ok(err.kind in ERROR_GUIDE);
        assert.ok(!/[\r\n]/.test(err.message));
        assert.ok(!err.message.includes('c2lnbmF0dXJl'));
      }),
    );
  });
});

describe('parseJsonBody nesting guard', () => {
  const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

  it('refuses JSON nested deeper than 1000 levels and parses 1000 levels', () => {
    assert.match(parseJsonBody(nested(1001), 'application/json').jsonProblem ?? '', /deeper than 1000 levels/);
    assert.equal(parseJsonBody(nested(1000), 'application/json').isJson, true);
  });

  it('parses long, shallow JSON with many brackets, in values and in strings', () => {
    const many = JSON.stringify({ rows: Array.from({ length: 3000 }, (_v, i) => ({ i, text: '{[{[' })) });
    const parsed = parseJsonBody(many, 'application/json');
    assert.equal(parsed.isJson, true);
    assert.equal((parsed.json as { rows: unknown[] }).rows.length, 3000);
  });
});
