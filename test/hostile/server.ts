/**
 * A hostile OpenEMR: a real HTTP server in front of the simulator that passes every request through until a
 * case is armed, then answers the requests that case targets badly on purpose (see cases.ts). A second
 * listener stands for "another origin" and records what reaches it, so a test can prove a token never did.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { HostileCase } from './cases';

export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  /** The form of a token request (its grant type), when there was one. */
  grantType?: string;
}

/** What a case handler may use besides the request and the response. */
export interface CaseContext {
  /** http://127.0.0.1:PORT of the hostile server itself. */
  url: string;
  /** http://127.0.0.1:PORT of the other origin. */
  otherOrigin: string;
  /** The request body, read in full (empty for GET). */
  body: Buffer;
  /** Sends the request to the simulator and hands back its answer, for handlers that alter a real answer. */
  upstream(): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>;
}

export interface HostileServer {
  url: string;
  otherOrigin: string;
  /** Arms a case (undefined: pass everything through). A `refused` case closes the listener until disarmed. */
  arm(hostile: HostileCase | undefined): Promise<void>;
  /** Requests that reached the hostile server while the current case was armed. */
  seen: SeenRequest[];
  /** Requests that reached the other origin, ever. */
  seenElsewhere: SeenRequest[];
  /**
   * Every secret value that passed through, both ways: tokens and codes in token requests and answers,
   * client secrets and assertions, registration access tokens, bearer tokens. Values shorter than 16
   * characters (the simulator's password) are left out: they would match ordinary text.
   */
  secretsSeen: Set<string>;
  close(): Promise<void>;
}

/** The whole body of a request or an answer. */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function seenOf(req: http.IncomingMessage, body: Buffer): SeenRequest {
  const form = /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '') ? new URLSearchParams(body.toString()) : undefined;
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    authorization: req.headers.authorization,
    grantType: form?.get('grant_type') ?? undefined,
  };
}

const SECRET_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'client_secret',
  'client_assertion',
  'registration_access_token',
  'password',
];

function recordSecrets(into: Set<string>, headers: http.IncomingHttpHeaders, body: Buffer): void {
  const add = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= 16) into.add(value);
  };
  add(/^(?:Bearer|Basic)\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]);
  const text = body.toString('utf8');
  if (/x-www-form-urlencoded/.test(headers['content-type'] ?? '')) {
    const form = new URLSearchParams(text);
    for (const field of SECRET_FIELDS) add(form.get(field));
    return;
  }
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    if (json && typeof json === 'object') for (const field of SECRET_FIELDS) add(json[field]);
  } catch {
    // Not JSON: nothing to record.
  }
}

function forward(
  upstream: string,
  self: string,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const target = new URL(req.url ?? '/', upstream);
  // Query values naming this server (the `aud` of the authorize request) name the simulator behind it.
  for (const [name, value] of [...target.searchParams])
    if (value.startsWith(self)) target.searchParams.set(name, upstream + value.slice(self.length));
  return new Promise((resolve, reject) => {
    const out = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(asReverseProxy(upstream, self, res.statusCode ?? 502, res.headers, Buffer.concat(chunks))));
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/**
 * As a reverse proxy does: redirects and the sign-in pages' form actions that name the simulator name this
 * server instead, so a browser walking the authorize flow stays on this side (and its secrets are seen here).
 */
function asReverseProxy(upstream: string, self: string, status: number, headers: http.IncomingHttpHeaders, body: Buffer) {
  const location = headers.location;
  if (location?.startsWith(upstream)) headers = { ...headers, location: self + location.slice(upstream.length) };
  if (/text\/html/i.test(headers['content-type'] ?? '') && body.includes(upstream))
    body = Buffer.from(body.toString('utf8').replaceAll(upstream, self));
  return { status, headers, body };
}

/** Writes an upstream answer back unchanged (hop-by-hop headers and the length are recomputed by Node). */
export function sendUpstream(
  res: http.ServerResponse,
  answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer },
) {
  const headers = { ...answer.headers };
  for (const h of ['transfer-encoding', 'connection', 'keep-alive', 'content-length']) delete headers[h];
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

async function listen(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function startHostileServer(upstream: string): Promise<HostileServer> {
  let armed: HostileCase | undefined;
  const seen: SeenRequest[] = [];
  const seenElsewhere: SeenRequest[] = [];
  const secretsSeen = new Set<string>();
  const sockets = new Set<Socket>();
  /** Sockets with an answer still open (a case that never ends its answer holds them). */
  const busy = new Set<Socket>();

  const elsewhere = http.createServer((req, res) => {
    void readBody(req).then((body) => {
      seenElsewhere.push(seenOf(req, body));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":[]}');
    });
  });
  const otherOrigin = `http://127.0.0.1:${await listen(elsewhere)}`;

  let url = '';
  const server = http.createServer((req, res) => {
    busy.add(req.socket);
    res.on('close', () => busy.delete(req.socket));
    void (async () => {
      const body = await readBody(req);
      const current = armed;
      if (current) seen.push(seenOf(req, body));
      recordSecrets(secretsSeen, req.headers, body);
      const upstreamAnswer = async (): ReturnType<CaseContext['upstream']> => {
        const answer = await forward(upstream, url, req, body);
        recordSecrets(secretsSeen, answer.headers, answer.body);
        return answer;
      };
      const ctx: CaseContext = { url, otherOrigin, body, upstream: upstreamAnswer };
      try {
        if (current && current.targets(req.method ?? 'GET', req.url ?? '/')) {
          await current.answer(req, res, ctx);
          return;
        }
        sendUpstream(res, await ctx.upstream());
      } catch {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  url = `http://127.0.0.1:${port}`;
  let listening = true;

  const closeListener = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };

  return {
    url,
    otherOrigin,
    seen,
    seenElsewhere,
    secretsSeen,
    async arm(hostile) {
      // Answers held open by the previous case (a body that never ends, no answer) end with it; idle
      // keep-alive sockets stay, so the client's next request does not meet a socket closed under it.
      for (const s of busy) s.destroy();
      seen.length = 0;
      armed = hostile;
      if (hostile?.refuseConnections) {
        await closeListener();
        // Let clients see their keep-alive sockets close, so the next request connects (and is refused).
        await new Promise((resolve) => setTimeout(resolve, 100));
      } else if (!listening) {
        await listen(server, port);
        listening = true;
      }
    },
    async close() {
      await closeListener();
      await new Promise<void>((resolve) => {
        elsewhere.close(() => resolve());
        elsewhere.closeAllConnections();
      });
    },
  };
}
