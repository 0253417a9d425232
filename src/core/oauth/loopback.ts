import http from 'node:http';
import { OpenEmrError } from '../errors';

/** What the browser tab that brought the redirect is told once the sign-in is decided. */
export type SignInOutcome = { ok: true } | { ok: false; message: string };

export interface RedirectListener {
  /** `http://127.0.0.1:{port}{path}`. */
  redirectUri: string;
  /**
   * `http://127.0.0.1:{port}/start`: answers with a redirect to the URL given to `startAt`. A window that
   * rewrites localhost addresses to reach them through a proxy (code-server, Codespaces) can open this one,
   * rewritten, and the browser still lands on the authorize URL exactly as the server expects it.
   */
  startUri: string;
  port: number;
  /** Resolves with the query of the first request to `path`; rejects on abort or time-out. */
  result: Promise<URLSearchParams>;
  /** Sets where `startUri` sends the browser. */
  startAt(url: string): void;
  /** Answers the browser tab held open since the redirect with the real outcome of the sign-in. */
  finish(outcome: SignInOutcome): void;
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page the browser tab shows: success only once the tokens are in, else the server's own error and hint. */
export function outcomePage(outcome: SignInOutcome | undefined): string {
  const body = !outcome
    ? '<h1>Sign-in ended</h1><p>VS Code stopped waiting for this sign-in. Return to VS Code for the result.</p>'
    : outcome.ok
      ? '<h1>Signed in</h1><p>The sign-in is complete. You can close this tab and return to VS Code.</p>'
      : `<h1>Sign-in failed</h1><p>${escapeHtml(outcome.message)}</p><p>VS Code shows the same message with what to do next.</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenEMR sign-in</title><style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:40rem}</style></head><body>${body}</body></html>`;
}

/**
 * A one-shot HTTP listener on 127.0.0.1 for the OAuth redirect. `/start` sends the browser to the authorize
 * URL; the first request to `path` resolves `result` and is held open until `finish` says how the sign-in
 * ended (or the listener closes), so the tab never claims a success that did not happen. Anything else
 * gets 404. It listens only on the loopback interface.
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
    let startUrl: string | undefined;
    let held: http.ServerResponse | undefined;
    let redirected = false;
    const answer = (outcome: SignInOutcome | undefined): void => {
      const res = held;
      held = undefined;
      res?.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(outcomePage(outcome));
    };
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // Behind a proxy that keeps its prefix the path arrives as /proxy/8765/start.
      if (req.method === 'GET' && url.pathname.endsWith('/start') && startUrl) {
        res.writeHead(302, { Location: startUrl, 'Cache-Control': 'no-store' }).end();
        return;
      }
      if (req.method !== 'GET' || url.pathname !== path || redirected) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
        return;
      }
      redirected = true;
      held = res;
      settle?.resolve(url.searchParams);
    });
    const onAbort = (): void => {
      settle?.reject(new OpenEmrError('cancelled', 'The sign-in was cancelled'));
      close();
    };
    function close(): void {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      answer(undefined);
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
      resolveListener({
        redirectUri: `http://127.0.0.1:${port}${path}`,
        startUri: `http://127.0.0.1:${port}/start`,
        port,
        result,
        startAt: (url) => {
          startUrl = url;
        },
        finish: answer,
        close,
      });
    });
  });
}
