/**
 * Simulator benchmark, 100000 patients: start time, the first search right after start (it finishes generating
 * the patients), median and p95 latency of a page of 50 from /api/patient and /fhir/Patient on loopback, and the
 * requests per second on /api/patient pages with 8 concurrent clients against a loopback echo server measured
 * the same way in the same run (so that no other figure is bounded by the simulator).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator, type RunningSimulator } from '../openemr-sim/index.js';
import { measureRatio, median, reported, timed, type BenchContext, type Figure } from './figures';

const CONCURRENCY = 8;

async function adminToken(sim: RunningSimulator): Promise<string> {
  const scope = 'api:oemr api:fhir user/patient.read user/Patient.read';
  const reg = await fetch(`${sim.url}/oauth2/default/registration`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ application_type: 'private', redirect_uris: ['http://127.0.0.1:9/cb'], client_name: 'bench', scope }),
  });
  const { client_id } = (await reg.json()) as { client_id: string };
  sim.enableClient(client_id);
  const tok = await fetch(`${sim.url}/oauth2/default/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id,
      user_role: 'users',
      username: 'admin',
      password: 'pass',
      scope,
    }),
  });
  return ((await tok.json()) as { access_token: string }).access_token;
}

/** GET on a keep-alive agent with at most `CONCURRENCY` sockets; resolves with the status once the body is read. */
function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Requests per second of `total` GETs spread over `CONCURRENCY` clients. */
async function throughput(agent: http.Agent, total: number, url: (i: number) => string, headers: Record<string, string>) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const status = await get(agent, url(i), headers);
      if (status !== 200) throw new Error(`${url(i)} answered ${status}`);
    }
  };
  const ms = await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
  return (total / ms) * 1000;
}

/** Latencies (ms) of sequential GETs, one at a time. */
async function latencies(agent: http.Agent, count: number, url: (i: number) => string, headers: Record<string, string>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await timed(() => get(agent, url(i), headers)));
  return times.sort((a, b) => a - b);
}

/** A loopback server that answers every request with its own path: what Node's HTTP stack costs on this machine. */
async function echoServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const patients = ctx.smoke ? 1000 : 100_000;
  const pages = patients / 50;
  const samples = ctx.smoke ? 10 : 200;
  const t0 = performance.now();
  const sim = await startSimulator({ patients, quiet: true });
  const startMs = performance.now() - t0;
  const echo = await echoServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const headers = { Accept: 'application/json', Authorization: `Bearer ${await adminToken(sim)}` };
    const apis = `${sim.url}/apis/default`;
    const firstSearchMs = await timed(() => get(agent, `${apis}/api/patient?lname=Smith&_limit=50`, headers));
    const spread = (i: number): number => ((i * 7919) % pages) * 50;
    const api = await latencies(agent, samples, (i) => `${apis}/api/patient?_limit=50&_offset=${spread(i)}`, headers);
    const fhir = await latencies(agent, samples, () => `${apis}/fhir/Patient?_count=50`, headers);
    const p95 = (sorted: number[]): number => sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
    const round = (n: number): number => Math.round(n * 100) / 100;

    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const total = ctx.smoke ? 40 : 2000;
    const rps = await measureRatio(ctx, {
      name: `GET /api/patient pages of 50, ${CONCURRENCY} concurrent clients, vs loopback echo`,
      unit: 'req/s',
      subject: () => throughput(agent, total, (i) => `${apis}/api/patient?_limit=50&_offset=${spread(i)}`, headers),
      baseline: () => throughput(agent, total, (i) => `${echoUrl}/api/patient?_offset=${spread(i)}`, headers),
      note: 'higher is better: the ratio is the share of bare Node HTTP throughput the simulator keeps',
    });
    const figures = [
      reported(`start with ${patients} patients`, Math.round(startMs), 'ms'),
      reported('first search right after start (generates every patient)', Math.round(firstSearchMs), 'ms'),
      reported('GET /api/patient page of 50, median', round(median(api)), 'ms', {
        spread: [round(api[0]!), round(p95(api))],
        note: 'spread: min–p95',
      }),
      reported('GET /fhir/Patient?_count=50, median', round(median(fhir)), 'ms', {
        spread: [round(fhir[0]!), round(p95(fhir))],
        note: 'spread: min–p95',
      }),
      rps,
    ];
    for (const f of figures)
      console.log(`${f.name}: ${f.value.toFixed(2)} ${f.unit}${f.ratio ? `, ratio ${f.ratio.toFixed(2)}` : ''}`);
    return figures.map((f) => ({ ...f, value: Math.round(f.value * 100) / 100 }));
  } finally {
    agent.destroy();
    echo.close();
    await sim.close();
  }
}
