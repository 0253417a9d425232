/** Bulk FHIR export: $export kick-off, $bulkdata-status and NDJSON files under Binary (facts §7). */
import type { FhirResource, Group, OperationOutcome } from 'fhir/r4';
import { randomUUID } from 'node:crypto';
import { Rng } from '../data/prng.js';
import { reply, type Reply } from '../reply.js';
import type { SimState } from '../state.js';
import { FHIR_TYPES, servedTypes } from './registry.js';

export type ExportLevel = 'system' | 'patient' | 'group';

interface ExportFile {
  id: string;
  type: string;
  count: number;
  ndjson: string;
}

interface ExportJob {
  id: string;
  request: string;
  transactionTime: string;
  files: ExportFile[];
  polled: boolean;
}

const jobsByState = new WeakMap<SimState, Map<string, ExportJob>>();
function jobsOf(state: SimState): Map<string, ExportJob> {
  let jobs = jobsByState.get(state);
  if (!jobs) jobsByState.set(state, (jobs = new Map()));
  return jobs;
}

export function outcome(status: number, code: string, diagnostics: string): Reply {
  const body: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
  return reply.fhir(status, body);
}

/** The one group the simulator has: every patient. */
export function allPatientsGroup(state: SimState): Group {
  const id = new Rng(state.options.seed, 'group').uuid();
  return { resourceType: 'Group', id, type: 'person', actual: true, name: 'All patients', quantity: state.data.patientCount };
}

/** Patient-compartment types first, then the shared ones: what a system-level export offers. */
function exportableTypes(state: SimState, level: ExportLevel): string[] {
  const types = servedTypes(state.flavor);
  const patientTypes = types.filter((t) => FHIR_TYPES[t].forPatient);
  return level === 'system' ? [...patientTypes, ...types.filter((t) => FHIR_TYPES[t].shared)] : patientTypes;
}

export function kickOff(
  state: SimState,
  site: string,
  level: ExportLevel,
  requestUrl: string,
  query: URLSearchParams,
  prefer: string | undefined,
): Reply {
  if (!/respond-async/i.test(prefer ?? ''))
    return outcome(400, 'processing', 'Prefer: respond-async header is required for $export');
  const offered = exportableTypes(state, level);
  const asked = (query.get('_type') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.find((t) => !offered.includes(t));
  if (unknown) return outcome(400, 'not-supported', `Resource type ${unknown} is not supported for export`);
  const types = asked.length ? asked : offered;
  const base = state.fhirBase(site);
  const files: ExportFile[] = types.map((type) => {
    const t = FHIR_TYPES[type];
    const resources: FhirResource[] = t.shared
      ? t.shared(state.data)
      : state.data.allPatients().flatMap((p) => t.forPatient?.(state.data, p, base) ?? []);
    return {
      id: randomUUID(),
      type,
      count: resources.length,
      ndjson: resources.map((r) => JSON.stringify(r)).join('\n') + (resources.length ? '\n' : ''),
    };
  });
  const job: ExportJob = {
    id: randomUUID(),
    request: requestUrl,
    transactionTime: new Date().toISOString(),
    files,
    polled: false,
  };
  jobsOf(state).set(job.id, job);
  return { status: 202, headers: { 'Content-Location': `${base}/$bulkdata-status?job=${job.id}` } };
}

/** The first poll answers 202 in progress, later polls the manifest: clients must loop. */
export function status(state: SimState, site: string, method: string, jobId: string | null): Reply {
  const jobs = jobsOf(state);
  const job = jobId ? jobs.get(jobId) : undefined;
  if (!job) return outcome(404, 'not-found', 'Export job not found');
  if (method === 'DELETE') {
    jobs.delete(job.id);
    return { status: 202 };
  }
  if (!job.polled) {
    job.polled = true;
    return { status: 202, headers: { 'X-Progress': 'in-progress', 'Retry-After': '1' } };
  }
  const base = state.fhirBase(site);
  return reply.json(200, {
    transactionTime: job.transactionTime,
    request: job.request,
    requiresAccessToken: true,
    output: job.files.map((f) => ({ type: f.type, url: `${base}/Binary/${f.id}`, count: f.count })),
    error: [],
  });
}

export function exportFile(state: SimState, id: string): ExportFile | undefined {
  for (const job of jobsOf(state).values()) {
    const f = job.files.find((x) => x.id === id);
    if (f) return f;
  }
  return undefined;
}
