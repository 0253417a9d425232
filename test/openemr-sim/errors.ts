/** OpenEMR's error answers: league/oauth2-server JSON, and the per-flavor answers of /apis (facts §6). */
import { reply, type Reply } from './reply.js';

export type Flavor = 7 | 8;

/** league's error payload: error, error_description, optional hint, and the deprecated message copy. */
export function leagueError(status: number, error: string, description: string, hint?: string): Reply {
  return reply.json(status, {
    error,
    error_description: description,
    ...(hint === undefined ? {} : { hint }),
    message: description,
  });
}

const INVALID_GRANT =
  'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
const INVALID_REQUEST =
  'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';

/** The league exceptions the OAuth endpoints throw. */
export const oauthErrors = {
  invalidClient: () => leagueError(401, 'invalid_client', 'Client authentication failed'),
  invalidGrant: (hint?: string) => leagueError(400, 'invalid_grant', INVALID_GRANT, hint),
  invalidRefreshToken: (hint: string) => leagueError(400, 'invalid_grant', 'The refresh token is invalid.', hint),
  invalidScope: (scope: string) =>
    leagueError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed', `Check the \`${scope}\` scope`),
  unsupportedGrant: () =>
    leagueError(
      400,
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server.',
      'Check that all required parameters have been provided',
    ),
  invalidRequest: (parameter?: string, hint?: string) =>
    leagueError(
      400,
      'invalid_request',
      INVALID_REQUEST,
      hint ?? (parameter ? `Check the \`${parameter}\` parameter` : undefined),
    ),
  accessDenied: (hint?: string) =>
    leagueError(401, 'access_denied', 'The resource owner or authorization server denied the request.', hint),
  /** OpenEMR's own exception with the misspelled error code. */
  loggedOut: () => leagueError(400, 'invalid _request', 'Refresh Token revoked or logged out'),
  metadata: (description: string, error = 'invalid_client_metadata') => leagueError(400, error, description),
};

/** 8.x's Symfony kernel wraps failures this way. */
function kernel(status: number, message: string): Reply {
  return reply.json(status, { error: 'An error occurred', message, code: 0 });
}

/** /apis and /oauth2 failures that differ between 7.0.3 and 8.x. */
export function flavorErrors(flavor: Flavor) {
  const v7 = flavor === 7;
  return {
    oauthApisOff: () => (v7 ? reply.empty(404) : kernel(404, 'OpenEMR Error: API is disabled')),
    unknownSite: () =>
      v7
        ? reply.empty(400)
        : kernel(
            400,
            'OpenEMR Error: api site error, so forced exit.  Please ensure that the site is set up correctly in the OpenEMR configuration.',
          ),
    badToken: (hint: string) =>
      v7 ? oauthErrors.accessDenied(hint) : kernel(401, 'The resource owner or authorization server denied the request.'),
    insufficientPermissions: () =>
      v7
        ? reply.empty(401)
        : kernel(403, 'OpenEMR Error: API call failed due to insufficient permissions for the requested resource.'),
    missingScope: () => (v7 ? reply.empty(401) : kernel(401, 'Unauthorized')),
    aclDenied: () => (v7 ? reply.empty(401) : kernel(403, 'Organization policy does not have permit access resource')),
    unknownRoute: () => (v7 ? reply.empty(404) : kernel(404, 'Route not found')),
    unsupportedMethod: () => (v7 ? reply.empty(404) : kernel(501, 'Not implemented')),
    serverError: () => (v7 ? reply.empty(500) : kernel(500, 'System error occurred')),
  };
}

export type FlavorErrors = ReturnType<typeof flavorErrors>;
