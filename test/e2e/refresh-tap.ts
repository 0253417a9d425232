// A reverse proxy in front of a simulator that lets a test act at a chosen moment of the next refresh-token
// request: before the server sees it, after the server answered (it has rotated the token) but before the
// extension gets the answer, or some milliseconds after the extension got it.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody, sendUpstream } from '../hostile/server';

export type RefreshMoment = 'before the server' | 'after the server, before the answer' | 'after the answer';

export interface RefreshTap {
  /** http://127.0.0.1:PORT: the address the extension is given, and the simulator's public URL. */
  readonly url: string;
  /** Where requests go (set once the simulator behind the tap has started). */
  upstream: string;
  /** Refresh-token requests seen. */
  readonly refreshes: { seen: number };
  /**
   * On the next refresh-token request, runs `act` at `moment` (+ `delayMs`). A request stopped before or after
   * the server gets no answer: its connection is destroyed, as a dead peer's would be.
   */
  onNextRefresh(moment: RefreshMoment, delayMs: number, act: () => void): void;
  close(): Promise<void>;
}

interface Armed {
  moment: RefreshMoment;
  delayMs: number;
  act: () => void;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isRefresh(req: http.IncomingMessage, body: Buffer): boolean {
  return (
    req.method === 'POST' &&
    /\/oauth2\/[^/]+\/token$/.test(new URL(req.url ?? '/', 'http://x').pathname) &&
    new URLSearchParams(body.toString('utf8')).get('grant_type') === 'refresh_token'
  );
}

function forward(
  upstream: string,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const target = new URL(req.url ?? '/', upstream);
  return new Promise((resolve, reject) => {
    const out = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (res) => {
      readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export async function startRefreshTap(): Promise<RefreshTap> {
  let armed: Armed | undefined;
  const refreshes = { seen: 0 };
  const sockets = new Set<Socket>();

  const fire = async (a: Armed): Promise<void> => {
    await pause(a.delayMs);
    a.act();
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const refresh = isRefresh(req, body);
      const mine = refresh ? armed : undefined;
      if (refresh) refreshes.seen++;
      if (mine) armed = undefined;
      if (mine?.moment === 'before the server') {
        await fire(mine);
        req.socket.destroy();
        return;
      }
      const answer = await forward(tap.upstream, req, body);
      if (mine?.moment === 'after the server, before the answer') {
        await fire(mine);
        req.socket.destroy();
        return;
      }
      if (mine) res.once('finish', () => void fire(mine));
      sendUpstream(res, answer);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const tap: RefreshTap = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstream: '',
    refreshes,
    onNextRefresh: (moment, delayMs, act) => {
      armed = { moment, delayMs, act };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return tap;
}
