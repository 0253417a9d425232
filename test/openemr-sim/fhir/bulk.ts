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
  /** Status polls answered so far; the job completes after `pace.polls` of them. */
  polls: number;
  pace: ExportPace;
}

/** How slowly jobs complete: 202 answers before the manifest, and the Retry-After they carry. */
export interface ExportPace {
  polls: number;
  retryAfter: number;
}

/** What `/__sim/export` reports of a job, deleted ones included (so tests can see a cancel arrive). */
export interface JobReport {
  id: string;
  status: 'in-progress' | 'complete' | 'deleted';
  polls: number;
}

interface ExportBook {
  jobs: Map<string, ExportJob>;
  deleted: JobReport[];
  pace?: ExportPace;
}

const booksByState = new WeakMap<SimState, ExportBook>();
function bookOf(state: SimState): ExportBook {
  let book = booksByState.get(state);
  if (!book) booksByState.set(state, (book = { jobs: new Map(), deleted: [] }));
  return book;
}
function jobsOf(state: SimState): Map<string, ExportJob> {
  return bookOf(state).jobs;
}

function paceOf(state: SimState): ExportPace {
  return bookOf(state).pace ?? { polls: state.options.exportPolls, retryAfter: 1 };
}

/**
 * `/__sim/export`: GET lists the jobs (deleted ones too); POST `{ polls?, retryAfter? }` sets how many
 * status polls answer 202 before new jobs complete (the slow-jobs switch), `{}` restores the start value.
 */
export function exportControl(state: SimState, method: string, body: Record<string, unknown>): Reply {
  const book = bookOf(state);
  if (method === 'POST') {
    const polls = body.polls === undefined ? undefined : Number(body.polls);
    const retryAfter = body.retryAfter === undefined ? undefined : Number(body.retryAfter);
    if ((polls !== undefined && !(Number.isInteger(polls) && polls >= 0)) || (retryAfter !== undefined && !(retryAfter >= 0)))
      return reply.json(400, { error: 'polls must be an integer >= 0 and retryAfter a number >= 0' });
    book.pace =
      polls === undefined && retryAfter === undefined
        ? undefined
        : { ...paceOf(state), polls: polls ?? paceOf(state).polls, retryAfter: retryAfter ?? paceOf(state).retryAfter };
  }
  const live = [...book.jobs.values()].map((j): JobReport => ({
    id: j.id,
    status: j.polls >= j.pace.polls ? 'complete' : 'in-progress',
    polls: j.polls,
  }));
  return reply.json(200, { pace: paceOf(state), jobs: [...live, ...book.deleted] });
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
    polls: 0,
    pace: paceOf(state),
  };
  jobsOf(state).set(job.id, job);
  return { status: 202, headers: { 'Content-Location': `${base}/$bulkdata-status?job=${job.id}` } };
}

/**
 * In flavor 8 a Group export of an unknown group still answers 202, with a status URL that names no job
 * (OpenEMR's FhirOperationExportRestController); polling it is a 400.
 */
export function unknownGroupKickOff(state: SimState, site: string): Reply {
  return { status: 202, headers: { 'Content-Location': `${state.fhirBase(site)}/$bulkdata-status` } };
}

/** The first `pace.polls` polls answer 202 in progress, later polls the manifest: clients must loop. */
export function status(state: SimState, site: string, method: string, jobId: string | null): Reply {
  const book = bookOf(state);
  const job = jobId ? book.jobs.get(jobId) : undefined;
  if (!jobId && state.flavor === 8 && method === 'GET') return outcome(400, 'processing', 'The job id you submitted was invalid');
  if (!job) return outcome(404, 'not-found', 'Export job not found');
  if (method === 'DELETE') {
    book.jobs.delete(job.id);
    book.deleted.push({ id: job.id, status: 'deleted', polls: job.polls });
    return { status: 202 };
  }
  if (job.polls < job.pace.polls) {
    job.polls++;
    return {
      status: 202,
      headers: { 'X-Progress': `in-progress (${job.polls}/${job.pace.polls})`, 'Retry-After': String(job.pace.retryAfter) },
    };
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
