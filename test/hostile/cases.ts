/**
 * The hostile cases: each says which requests it spoils, how it answers them, which public paths meet it
 * (an API request, sign-in, registration, adding the server) and what a held outcome looks like.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, type JWK } from 'jose';
import { sendUpstream, type CaseContext } from './server';

/** The public paths a case is driven through (`post`: a POST through the request runner). */
export type Driver = 'request' | 'post' | 'signIn' | 'register' | 'addServer';

export interface HostileCase {
  name: string;
  group: 'bodies' | 'transport' | 'redirects' | 'auth' | 'protocol';
  drivers: Driver[];
  /** Whether this request is spoiled (others pass through to the simulator). */
  targets(method: string, path: string): boolean;
  answer(req: http.IncomingMessage, res: http.ServerResponse, ctx: CaseContext): void | Promise<void>;
  /** The listener is closed while the case is armed: connections are refused. */
  refuseConnections?: boolean;
  /** What an error must say (its message), when the command fails. */
  says: RegExp;
  /** The command must fail (a result would mean the bad answer was taken for a good one). */
  mustFail?: boolean;
  /** The command must succeed (the answer is odd but usable). */
  mustSucceed?: boolean;
  /** The answer only ends through the client's time-out. */
  slow?: boolean;
  /** The API path the request driver uses (default /api/patient). */
  path?: string;
}

/** Requests for API data (not the discovery documents, metadata or version the tree and sign-in probe). */
export function isApiData(_method: string, path: string): boolean {
  return path.includes('/apis/') && !/\/(metadata|\.well-known\/|api\/version)/.test(path);
}

const isToken = (method: string, path: string): boolean => method === 'POST' && /\/oauth2\/[^/]+\/token/.test(path);

function send(res: http.ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

const HTML_ERROR =
  '<html><head><title>Error</title></head><body><b>Fatal error</b>: Uncaught Exception in /var/www</body></html>';
const PATIENTS = JSON.stringify({ validationErrors: [], internalErrors: [], data: [{ uuid: randomUUID(), pid: 1, fname: 'A' }] });

/** 21 MB of junk: past the 20 MiB size cap. */
let junkBody: Buffer | undefined;
const junk = (): Buffer => (junkBody ??= Buffer.alloc(21 * 1024 * 1024, 'x'));

/** About 1 MB of gzip that expands to 1 GiB of zeros: 1024 gzip members of 1 MiB each (gunzip reads them all). */
let bomb: Buffer | undefined;
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  bomb ??= Buffer.concat(Array.from({ length: 1024 }, () => member));
  return bomb;
}

/** Answers with the body the upstream gave, after `change` rewrote its JSON. */
async function rewriteJson(
  res: http.ServerResponse,
  ctx: CaseContext,
  change: (json: Record<string, unknown>, ctx: CaseContext) => unknown,
): Promise<void> {
  const answer = await ctx.upstream();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    sendUpstream(res, answer);
    return;
  }
  sendUpstream(res, { ...answer, body: Buffer.from(JSON.stringify(change(json, ctx) ?? json)) });
}

/** A key of the hostile server's own, published beside the real ones for the other-issuer case. */
interface ForeignKey {
  privateKey: CryptoKey;
  jwk: JWK;
}
let foreign: Promise<ForeignKey> | undefined;
function foreignKey(): Promise<ForeignKey> {
  foreign ??= generateKeyPair('RS256', { extractable: true }).then(async ({ privateKey, publicKey }) => ({
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid: 'hostile', alg: 'RS256', use: 'sig' },
  }));
  return foreign;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A case that replaces the id token of every token answer. */
function idTokenCase(name: string, forge: (idToken: string, ctx: CaseContext) => Promise<string> | string): HostileCase {
  return {
    name,
    group: 'auth',
    drivers: ['signIn'],
    targets: (m, p) => isToken(m, p) || /\/jwk$/.test(p),
    async answer(req, res, ctx) {
      if (req.method === 'GET') {
        // The key set: the real keys and the hostile one (a token signed by it verifies, but its issuer is foreign).
        const key = await foreignKey();
        await rewriteJson(res, ctx, (json) => ({ keys: [...(Array.isArray(json.keys) ? json.keys : []), key.jwk] }));
        return;
      }
      const answer = await ctx.upstream();
      const json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
      if (typeof json.id_token === 'string') json.id_token = await forge(json.id_token, ctx);
      sendUpstream(res, { ...answer, body: Buffer.from(JSON.stringify(json)) });
    },
    says: /id token failed verification/i,
    mustFail: true,
  };
}

/** Sends `chunk` every `everyMs` until the client goes away. */
function trickle(res: http.ServerResponse, chunk: string, everyMs: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"data":[');
  const timer = setInterval(() => res.write(chunk), everyMs);
  res.on('close', () => clearInterval(timer));
}

const withOtherOrigin = (value: unknown, ctx: CaseContext): unknown =>
  typeof value === 'string' && value.startsWith('http') ? ctx.otherOrigin + new URL(value).pathname : value;

export const HOSTILE_CASES: HostileCase[] = [
  // Bodies
  {
    name: 'truncated JSON',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'application/json', PATIENTS.slice(0, 40)),
    says: /not JSON/i,
  },
  {
    name: 'HTML error page with 200',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'text/html', HTML_ERROR),
    says: /not JSON/i,
  },
  {
    name: 'HTML error page with 500',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 500, 'text/html', HTML_ERROR),
    says: /-> 500 \(HTML page\)/,
    mustFail: true,
  },
  {
    name: 'JSON labelled text/html',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'text/html', PATIENTS),
    says: /^$/,
    mustSucceed: true,
  },
  {
    name: 'HTML labelled application/json',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'application/json', HTML_ERROR),
    says: /not JSON/i,
  },
  {
    name: '20 MB of junk',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'application/json', junk()),
    says: /larger than \d+ bytes/,
    mustFail: true,
  },
  {
    name: 'gzip bomb (1 MB to 1 GB)',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipBomb());
    },
    says: /larger than \d+ bytes/,
    mustFail: true,
  },
  {
    name: 'JSON nested 100,000 levels deep',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'application/json', '['.repeat(100_000) + ']'.repeat(100_000)),
    says: /nested deeper than \d+ levels/,
  },
  {
    name: 'null',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'application/json', 'null'),
    says: /^$/,
    mustSucceed: true,
  },
  {
    name: '[]',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'application/json', '[]'),
    says: /^$/,
    mustSucceed: true,
  },
  {
    name: '""',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => send(res, 200, 'application/json', '""'),
    says: /^$/,
    mustSucceed: true,
  },
  {
    name: 'invalid UTF-8',
    group: 'bodies',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) =>
      send(
        res,
        200,
        'application/json',
        Buffer.concat([
          Buffer.from('{"data":[{"uuid":"u1","pid":1,"fname":"'),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          Buffer.from('"}]}'),
        ]),
      ),
    says: /^$/,
    mustSucceed: true,
  },
  // Transport
  {
    name: 'a body that never ends',
    group: 'transport',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => trickle(res, '{"a":1},', 200),
    says: /No answer from .* within \d+ ms/,
    mustFail: true,
    slow: true,
  },
  {
    name: 'a drip of one byte a second',
    group: 'transport',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) => trickle(res, ' ', 1000),
    says: /No answer from .* within \d+ ms/,
    mustFail: true,
    slow: true,
  },
  {
    name: 'a reset mid-body',
    group: 'transport',
    drivers: ['request'],
    targets: isApiData,
    answer: (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write(PATIENTS.slice(0, 30), () => setTimeout(() => req.socket.resetAndDestroy(), 20));
    },
    says: /Cannot reach .*(ECONNRESET|premature close|aborted)/i,
    mustFail: true,
  },
  {
    name: 'no answer at all',
    group: 'transport',
    drivers: ['request'],
    targets: isApiData,
    answer: () => undefined,
    says: /No answer from .* within \d+ ms/,
    mustFail: true,
    slow: true,
  },
  {
    name: 'a refused connection',
    group: 'transport',
    drivers: ['request', 'signIn'],
    targets: () => false,
    answer: () => undefined,
    refuseConnections: true,
    says: /Cannot reach .*ECONNREFUSED/,
    mustFail: true,
  },
  // Redirects
  {
    name: '302 to another origin',
    group: 'redirects',
    drivers: ['request', 'signIn'],
    targets: (m, p) => isApiData(m, p) || isToken(m, p),
    answer: (req, res, ctx) => {
      res.writeHead(302, { location: ctx.otherOrigin + (req.url ?? '/') });
      res.end();
    },
    says: /redirect(ed)? to http:\/\/127\.0\.0\.1:\d+/i,
    mustFail: true,
  },
  {
    name: 'a redirect loop',
    group: 'redirects',
    drivers: ['request'],
    targets: isApiData,
    answer: (req, res, ctx) => {
      res.writeHead(302, { location: ctx.url + (req.url ?? '/') });
      res.end();
    },
    says: /redirect(ed)? to/i,
    mustFail: true,
  },
  {
    name: '307 on a POST',
    group: 'redirects',
    drivers: ['signIn', 'register', 'post'],
    targets: (m) => m === 'POST',
    answer: (req, res, ctx) => {
      res.writeHead(307, { location: ctx.otherOrigin + (req.url ?? '/') });
      res.end();
    },
    says: /redirect(ed)? to/i,
    mustFail: true,
  },
  // Auth
  {
    name: '401 on every request, also after a refresh',
    group: 'auth',
    drivers: ['request'],
    targets: isApiData,
    answer: (_q, res) =>
      send(
        res,
        401,
        'application/json',
        JSON.stringify({
          error: 'access_denied',
          error_description: 'The resource owner or authorization server denied the request.',
          hint: 'Access token could not be verified',
          message: 'The resource owner or authorization server denied the request.',
        }),
      ),
    says: /-> 401/,
    mustFail: true,
  },
  {
    name: 'a token answer without expires_in',
    group: 'auth',
    drivers: ['signIn'],
    targets: isToken,
    answer: (_q, res, ctx) =>
      rewriteJson(res, ctx, (json) => {
        delete json.expires_in;
        return json;
      }),
    says: /^$/,
    mustSucceed: true,
  },
  idTokenCase(
    'an id token signed with alg none',
    (idToken) => `${b64url({ alg: 'none', typ: 'JWT' })}.${idToken.split('.')[1]}.`,
  ),
  idTokenCase('an id token from another issuer', async (idToken, ctx) => {
    const key = await foreignKey();
    return new SignJWT({ ...decodeJwt(idToken), iss: `${ctx.otherOrigin}/oauth2/default` })
      .setProtectedHeader({ alg: 'RS256', kid: 'hostile', typ: 'JWT' })
      .sign(key.privateKey);
  }),
  idTokenCase('an id token with a bad signature', (idToken) => {
    const [header, payload, signature] = idToken.split('.') as [string, string, string];
    const flipped = Buffer.from(signature, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 0xff;
    return `${header}.${payload}.${flipped.toString('base64url')}`;
  }),
  {
    name: 'a registration answer without client_secret',
    group: 'auth',
    drivers: ['register'],
    targets: (m, p) => m === 'POST' && /\/registration$/.test(p),
    answer: (_q, res, ctx) =>
      rewriteJson(res, ctx, (json) => {
        delete json.client_secret;
        return json;
      }),
    says: /without a client secret/i,
    mustFail: true,
  },
  // Protocol
  {
    name: 'paging whose next link points to itself',
    group: 'protocol',
    drivers: ['request'],
    targets: isApiData,
    answer: (req, res, ctx) =>
      rewriteJson(res, ctx, (json) => {
        const self = ctx.url + (req.url ?? '/');
        if (json.resourceType === 'Bundle')
          return {
            ...json,
            link: [
              { relation: 'self', url: self },
              { relation: 'next', url: self },
            ],
          };
        return { ...json, links: { self, next: self } };
      }),
    says: /^$/,
    mustSucceed: true,
  },
  {
    name: 'a Bundle whose total says 1,000,000 with 3 entries',
    group: 'protocol',
    drivers: ['request'],
    path: '/fhir/Patient',
    targets: isApiData,
    answer: (_q, res, ctx) =>
      rewriteJson(res, ctx, (json) => ({
        ...json,
        total: 1_000_000,
        entry: (Array.isArray(json.entry) ? json.entry : []).slice(0, 3),
      })),
    says: /^$/,
    mustSucceed: true,
  },
  {
    name: 'a discovery document whose endpoints point to another host',
    group: 'protocol',
    drivers: ['addServer', 'signIn'],
    targets: (m, p) => m === 'GET' && /\.well-known\/(openid|smart)-configuration/.test(p),
    answer: (_q, res, ctx) =>
      rewriteJson(res, ctx, (json) =>
        Object.fromEntries(Object.entries(json).map(([k, v]) => [k, /endpoint|jwks_uri/.test(k) ? withOtherOrigin(v, ctx) : v])),
      ),
    says: /^$/,
    mustSucceed: true,
  },
];
