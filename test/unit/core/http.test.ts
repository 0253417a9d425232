import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertSecretTransportAllowed,
  HttpClient,
  isLoopbackHost,
  OpenEmrError,
  registerClient,
  serverUrls,
  type ServerConfig,
} from '../../../src/core';
import { captureLogger } from './log-capture';

/** A tiny real server for transport behaviour (slow, big, HTML, TLS); OpenEMR behaviour is tested against the simulator. */
function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/slow') {
    setTimeout(() => res.end('{}'), 2000);
    return;
  }
  if (url.pathname === '/slow-body') {
    // The answer starts at once (or after `head` ms) and its body ends 2 s later.
    const head = Number(url.searchParams.get('head') ?? 0);
    setTimeout(() => {
      res.setHeader('Content-Type', 'application/json');
      res.write('{"a":');
      setTimeout(() => res.end('1}'), 2000);
    }, head);
    return;
  }
  if (url.pathname === '/big') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ data: 'x'.repeat(5000) }));
    return;
  }
  if (url.pathname === '/html') {
    res.statusCode = 500;
    res.setHeader('Content-Type', 'text/html');
    res.end('<html><body><b>Fatal error</b></body></html>');
    return;
  }
  if (url.pathname === '/empty') {
    res.statusCode = 401;
    res.end();
    return;
  }
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        method: req.method,
        body,
        auth: req.headers.authorization ?? null,
        type: req.headers['content-type'] ?? null,
      }),
    );
  });
}

function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('core/http seam', () => {
  let plain: http.Server;
  let base: string;
  before(async () => {
    plain = http.createServer(handler);
    base = `http://127.0.0.1:${await listen(plain)}`;
  });
  after(() => {
    plain.closeAllConnections();
    plain.close();
  });

  const client = (extra: Partial<ServerConfig> = {}) => new HttpClient({ baseUrl: base, ...extra });

  it('sends JSON and forms, parses JSON answers and logs method, URL, status and time', async () => {
    const log = captureLogger();
    const c = new HttpClient({ baseUrl: base }, log);
    const res = await c.send({ method: 'POST', url: `${base}/echo?code=abcdef`, form: { a: '1', skip: undefined } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { method: 'POST', body: 'a=1', auth: null, type: 'application/x-www-form-urlencoded' });
    assert.ok(res.size > 0 && res.ms >= 0);
    const json = await c.send({ method: 'PUT', url: `${base}/echo`, json: { x: 1 } });
    assert.equal((json.json as { type: string }).type, 'application/json');
    assert.match(log.lines[0]!, /^info POST http:\/\/127\.0\.0\.1:\d+\/echo\?code=\[redacted\] -> 200 \d+ms \d+B$/);
    c.dispose();
  });

  it('detects non-JSON answers: empty bodies and PHP HTML pages', async () => {
    const html = await client().send({ method: 'GET', url: `${base}/html` });
    assert.equal(html.isJson, false);
    assert.equal(html.status, 500);
    const empty = await client().send({ method: 'GET', url: `${base}/empty` });
    assert.equal(empty.isJson, false);
    assert.equal(empty.text, '');
  });

  it('times out, cancels, and caps the response size with clear kinds', async () => {
    await assert.rejects(
      client({ timeoutMs: 100 }).send({ method: 'GET', url: `${base}/slow` }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'timeout',
    );
    // The time-out also covers a body that stalls, and counts from the send, not from the answer's headers.
    for (const head of [0, 70]) {
      const started = performance.now();
      await assert.rejects(
        client({ timeoutMs: 100 }).send({ method: 'GET', url: `${base}/slow-body?head=${head}` }),
        (e: unknown) => e instanceof OpenEmrError && e.kind === 'timeout',
      );
      assert.ok(performance.now() - started < 1000, 'the time-out is not restarted for the body');
    }
    // With a caller's signal, the time-out still applies.
    await assert.rejects(
      client({ timeoutMs: 100 }).send({ method: 'GET', url: `${base}/slow`, signal: new AbortController().signal }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'timeout',
    );
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(
      client().send({ method: 'GET', url: `${base}/slow`, signal: ac.signal }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'cancelled',
    );
    await assert.rejects(
      client().send({ method: 'GET', url: `${base}/echo`, signal: AbortSignal.abort() }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'cancelled',
    );
    await assert.rejects(
      client({ maxResponseBytes: 1000 }).send({ method: 'GET', url: `${base}/big` }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'response-too-large',
    );
  });

  it('sends a GET, PUT or DELETE once more when the connection is reset before an answer; never a POST or PATCH', async () => {
    // A server that resets the first `resets` requests it reads, as a keep-alive socket closed while idle does.
    let seen = 0;
    let resets = 0;
    const flaky = net.createServer((socket) => {
      socket.on('data', () => {
        seen++;
        if (resets-- > 0) socket.resetAndDestroy();
        else socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
      });
    });
    const port = await listen(flaky);
    const url = `http://127.0.0.1:${port}/x`;
    const log = captureLogger();
    const c = new HttpClient({ baseUrl: url }, log);
    try {
      for (const method of ['GET', 'PUT', 'DELETE'] as const) {
        [seen, resets] = [0, 1];
        assert.equal((await c.send({ method, url, json: method === 'PUT' ? {} : undefined })).status, 200, method);
        assert.equal(seen, 2, `${method} sent twice`);
      }
      assert.ok(log.lines.some((l) => /reset before an answer; sending once more/.test(l)));
      for (const method of ['POST', 'PATCH'] as const) {
        [seen, resets] = [0, 1];
        await assert.rejects(
          c.send({ method, url, json: {} }),
          (e: unknown) => e instanceof OpenEmrError && e.kind === 'network',
        );
        assert.equal(seen, 1, `${method} sent once`);
      }
      [seen, resets] = [0, 2];
      await assert.rejects(c.send({ method: 'GET', url }), (e: unknown) => e instanceof OpenEmrError && e.kind === 'network');
      assert.equal(seen, 2, 'a GET is sent at most twice');
    } finally {
      c.dispose();
      flaky.close();
    }
  });

  it('maps unreachable servers to network errors', async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    closed.close();
    await assert.rejects(
      client().send({ method: 'GET', url: `http://127.0.0.1:${port}/` }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'network',
    );
  });

  it('refuses secrets over plain http to non-loopback hosts unless the profile allows it', async () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('127.8.9.10'), true);
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('emr.example.org'), false);
    assert.equal(isLoopbackHost('127.0.0.1.nip.io'), false);
    assert.throws(
      () => assertSecretTransportAllowed('http://emr.example.org/oauth2/default/token'),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'insecure-transport',
    );
    assert.doesNotThrow(() => assertSecretTransportAllowed('https://emr.example.org/x'));
    assert.doesNotThrow(() => assertSecretTransportAllowed('http://emr.example.org/x', true));
    const remote = new HttpClient({ baseUrl: 'http://emr.invalid' });
    await assert.rejects(
      remote.send({ method: 'GET', url: 'http://emr.invalid/apis/default/api/patient', headers: { Authorization: 'Bearer t' } }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'insecure-transport',
    );
    await assert.rejects(
      remote.send({
        method: 'POST',
        url: 'http://emr.invalid/oauth2/default/token',
        form: { password: 'x' },
        carriesSecret: true,
      }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'insecure-transport',
    );
    // A registration sends no credential, but its answer is one (the client secret).
    await assert.rejects(
      registerClient(remote, {
        clientName: 'plain http',
        applicationType: 'private',
        redirectUris: ['http://127.0.0.1:8765/callback'],
        scopes: ['openid', 'api:oemr', 'user/patient.read'],
      }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'insecure-transport',
    );
    // Without a secret the request goes out (and fails on DNS, which is a network error, not a policy error).
    await assert.rejects(
      remote.send({ method: 'GET', url: 'http://emr.invalid/apis/default/fhir/metadata', timeoutMs: 3000 }),
      (e: unknown) => e instanceof OpenEmrError && e.kind !== 'insecure-transport',
    );
    const loopback = client();
    const res = await loopback.send({ method: 'GET', url: `${base}/echo`, headers: { Authorization: 'Bearer t' } });
    assert.equal((res.json as { auth: string }).auth, 'Bearer t');
    // The client remembers the origins it allowed, not a decision for every URL: the same client still refuses
    // a remote host, one hidden behind user info, and a loopback-looking host name that is not one.
    await loopback.send({ method: 'GET', url: `${base}/echo`, headers: { Authorization: 'Bearer t' } });
    for (const url of [
      'http://emr.invalid/apis/default/api/patient',
      `http://127.0.0.1@emr.invalid/apis/default/api/patient`,
      'http://127.0.0.1.nip.io/apis/default/api/patient',
      `${base.replace('127.0.0.1', '127.0.0.1.nip.io')}/echo`,
    ])
      await assert.rejects(
        loopback.send({ method: 'GET', url, headers: { Authorization: 'Bearer t' } }),
        (e: unknown) => e instanceof OpenEmrError && e.kind === 'insecure-transport',
        url,
      );
    loopback.dispose();
  });

  it('builds every URL from the base, webroot and site', () => {
    const u = serverUrls({ baseUrl: 'https://emr.example.org/openemr/?x=1#y', site: 'clinic2', redirectPort: 9001 });
    assert.equal(u.root, 'https://emr.example.org/openemr');
    assert.equal(u.token, 'https://emr.example.org/openemr/oauth2/clinic2/token');
    assert.equal(u.api, 'https://emr.example.org/openemr/apis/clinic2/api');
    assert.equal(u.fhir, 'https://emr.example.org/openemr/apis/clinic2/fhir');
    assert.equal(u.portal, 'https://emr.example.org/openemr/apis/clinic2/portal');
    assert.equal(u.smartConfiguration, 'https://emr.example.org/openemr/apis/clinic2/fhir/.well-known/smart-configuration');
    assert.equal(u.redirectUri, 'http://127.0.0.1:9001/callback');
    assert.equal(serverUrls({ baseUrl: 'http://h' }).site, 'default');
    assert.throws(() => serverUrls({ baseUrl: 'ftp://h' }), /https/);
    assert.throws(() => serverUrls({ baseUrl: 'nope' }), /valid/);
    assert.throws(() => serverUrls({ baseUrl: 'https://h', site: '../x' }), /site/);
  });

  describe('TLS', () => {
    let dir: string;
    let secure: https.Server;
    let secureBase: string;
    let cert: string;
    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'oemr-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      secure = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, handler);
      secureBase = `https://127.0.0.1:${await listen(secure)}`;
    });
    after(() => {
      secure?.closeAllConnections();
      secure?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('rejects an untrusted certificate as a tls error', async () => {
      await assert.rejects(
        new HttpClient({ baseUrl: secureBase }).send({ method: 'GET', url: `${secureBase}/echo` }),
        (e: unknown) => e instanceof OpenEmrError && e.kind === 'tls',
      );
    });

    it('trusts a custom CA, or a self-signed certificate when the profile allows it', async () => {
      const withCa = await new HttpClient({ baseUrl: secureBase, tls: { ca: cert } }).send({
        method: 'GET',
        url: `${secureBase}/echo`,
      });
      assert.equal(withCa.status, 200);
      const allowed = await new HttpClient({ baseUrl: secureBase, tls: { allowSelfSigned: true } }).send({
        method: 'GET',
        url: `${secureBase}/echo`,
      });
      assert.equal(allowed.status, 200);
    });
  });
});
