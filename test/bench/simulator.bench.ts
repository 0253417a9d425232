/**
 * Simulator benchmark: start time with 100000 patients, median/p95 latency of a page of 50 from
 * /api/patient and /fhir/Patient on loopback, and the cost of the first search (patients are generated
 * on use, so the first filter or sort generates them all). Run: npx tsx test/bench/simulator.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startSimulator, type RunningSimulator } from '../openemr-sim/index.js';

const PATIENTS = 100_000;
const WARMUP = 20;
const SAMPLES = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

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

/** Times GETs of pages of 50 spread over the whole list. */
async function timePages(
  sim: RunningSimulator,
  token: string,
  path: (offset: number) => string,
): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const offset = ((i * 7919) % (PATIENTS / 50)) * 50;
    const t0 = performance.now();
    const res = await fetch(`${sim.url}${path(offset)}`, { headers: { Authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path(offset)} answered ${res.status}`);
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const sim = await startSimulator({ patients: PATIENTS, quiet: true });
  const startMs = performance.now() - t0;
  try {
    const token = await adminToken(sim);
    const search = `${sim.url}/apis/default/api/patient?lname=Smith&_limit=50`;
    const s0 = performance.now();
    const first = await fetch(search, { headers: { Authorization: `Bearer ${token}` } });
    await first.arrayBuffer();
    const firstSearchMs = performance.now() - s0;
    const api = await timePages(sim, token, (o) => `/apis/default/api/patient?_limit=50&_offset=${o}`);
    // FHIR pages stay near the start: FHIR search builds resources on demand, from the first patient on.
    const fhirFirst = await timePages(sim, token, () => '/apis/default/fhir/Patient?_count=50');
    const fhirDeep = await timePages(sim, token, (o) => `/apis/default/fhir/Patient?_count=50&_offset=${o % 5000}`);
    const f = (n: number) => `${n.toFixed(2)} ms`;
    const later = await timePages(sim, token, (o) => `/apis/default/api/patient?lname=Smith&_limit=50&_offset=${o % 1000}`);
    console.log(`simulator: start with ${PATIENTS} patients: ${startMs.toFixed(0)} ms`);
    console.log(
      `simulator: first GET /api/patient?lname=Smith right after start (finishes generating the patients): ${firstSearchMs.toFixed(0)} ms; later searches: median ${f(later.median)}, p95 ${f(later.p95)}`,
    );
    console.log(`simulator: GET /api/patient page of 50 (offsets across the list): median ${f(api.median)}, p95 ${f(api.p95)}`);
    console.log(`simulator: GET /fhir/Patient?_count=50 (first page): median ${f(fhirFirst.median)}, p95 ${f(fhirFirst.p95)}`);
    console.log(`simulator: GET /fhir/Patient?_count=50&_offset<5000: median ${f(fhirDeep.median)}, p95 ${f(fhirDeep.p95)}`);
  } finally {
    await sim.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
