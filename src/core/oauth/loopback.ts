import http from 'node:http';
import { OpenEmrError } from '../errors';

export interface RedirectListener {
  /** `http://127.0.0.1:{port}{path}`. */
  redirectUri: string;
  port: number;
  /** Resolves with the query of the first request to `path`; rejects on abort or time-out. */
  result: Promise<URLSearchParams>;
  close(): void;
}

export interface RedirectListenerOptions {
  /** 0 picks a free port (tests); normally the profile's redirect port. */
  port: number;
  path?: string;
  signal?: AbortSignal;
  /** Default 5 minutes. */
  timeoutMs?: number;
}

const DONE_PAGE =
  '<!doctype html><meta charset="utf-8"><title>OpenEMR sign-in</title><p>Sign-in finished. You can close this window and return to VS Code.</p>';

/**
 * A one-shot HTTP listener on 127.0.0.1 for the OAuth redirect. It answers the first request to `path`,
 * then closes; anything else gets 404. It listens only on the loopback interface.
 */
export function listenForRedirect(opts: RedirectListenerOptions): Promise<RedirectListener> {
  const path = opts.path ?? '/callback';
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000;
  return new Promise((resolveListener, rejectListener) => {
    let settle: { resolve(v: URLSearchParams): void; reject(e: unknown): void } | undefined;
    const result = new Promise<URLSearchParams>((resolve, reject) => {
      settle = { resolve, reject };
    });
    result.catch(() => undefined); // the caller may never await it if the browser step fails
    let timer: NodeJS.Timeout | undefined;
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== path) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(DONE_PAGE);
      settle?.resolve(url.searchParams);
      close();
    });
    const onAbort = (): void => {
      settle?.reject(new OpenEmrError('cancelled', 'The sign-in was cancelled'));
      close();
    };
    function close(): void {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      server.close();
      server.closeAllConnections();
    }
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? `port ${opts.port} is already in use` : err.message;
      rejectListener(new OpenEmrError('authorization-failed', `Cannot listen for the sign-in redirect: ${why}`, { cause: err }));
    });
    if (opts.signal?.aborted) {
      rejectListener(new OpenEmrError('cancelled', 'The sign-in was cancelled'));
      return;
    }
    server.listen(opts.port, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        settle?.reject(new OpenEmrError('authorization-failed', `No sign-in redirect within ${Math.round(timeoutMs / 1000)} s`));
        close();
      }, timeoutMs);
      resolveListener({ redirectUri: `http://127.0.0.1:${port}${path}`, port, result, close });
    });
  });
}
