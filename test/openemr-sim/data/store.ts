/**
 * The one data set behind the standard API, the portal and FHIR. Patients are compact rows generated from
 * (seed, index) on first access, so starting with 100000 of them costs nothing until a search or sort
 * needs them all; each patient's history is generated on first access too. Every write is appended to a
 * journal, which persistence replays on the next start.
 */
import { randomBytes } from 'node:crypto';
import { generateChildren, generateGlobals, generatePatient, type Children, type GlobalTables } from './generate.js';
import { CHILD_KINDS, type ChildKind, type ChildRow, type GlobalKind, type PatientRecord, type Row } from './records.js';

export type JournalEntry =
  | { t: 'patient'; row: PatientRecord }
  | { t: 'child'; kind: ChildKind; row: ChildRow }
  | { t: 'delete'; kind: ChildKind; pid: number; id: number }
  | { t: 'global'; kind: GlobalKind; row: Row };

/** Child ids are pid * ID_SPAN + n, so any child id or uuid names its patient. */
const ID_SPAN = 1000;

/** A list of patients that generates only the rows asked for. */
export interface PatientList {
  readonly length: number;
  slice(start?: number, end?: number): PatientRecord[];
}

export class DataStore {
  readonly globals: GlobalTables;
  readonly journal: JournalEntry[] = [];
  /** Called after every write (persistence hooks in here). */
  onWrite: () => void = () => undefined;
  /** by pid - 1; holes are patients not generated yet */
  private readonly table: Array<PatientRecord | undefined>;
  private complete = false;
  private filling?: NodeJS.Immediate;
  private readonly children = new Map<number, Children>();
  private readonly counters = new Map<number, number>();
  private readonly sorted = new Map<string, PatientRecord[]>();

  constructor(
    readonly seed: number,
    private readonly generatedCount: number,
  ) {
    this.globals = generateGlobals(seed);
    this.table = new Array<PatientRecord | undefined>(generatedCount);
  }

  get patientCount(): number {
    return this.table.length;
  }

  patientByPid(pid: number): PatientRecord | undefined {
    if (!Number.isInteger(pid) || pid < 1 || pid > this.table.length) return undefined;
    return this.table[pid - 1] ?? this.generateAt(pid);
  }

  /** Every uuid ends with its pid (see withPid), so no index is needed. */
  patientByUuid(uuid: string): PatientRecord | undefined {
    const p = this.patientByPid(pidOfUuid(uuid));
    return p?.uuid === uuid ? p : undefined;
  }

  /** Patients in pid order, generated one by one as the caller goes: loops that stop early stay cheap. */
  *eachPatient(): Generator<PatientRecord> {
    for (let pid = 1; pid <= this.table.length; pid++) {
      const p = this.patientByPid(pid);
      if (p) yield p;
    }
  }

  /** Every patient in pid order (generates the missing ones once). */
  allPatients(): PatientRecord[] {
    if (!this.complete) {
      for (let pid = 1; pid <= this.table.length; pid++) this.patientByPid(pid);
      this.complete = true;
    }
    return this.table as PatientRecord[];
  }

  /**
   * Generates the missing patients in slices between requests, so that the first search or sort after
   * start does not pay for all of them. Slices are small to keep concurrent answers fast.
   */
  fillInBackground(slice = 500): void {
    let next = 1;
    const step = () => {
      if (this.complete) return; // allPatients() finished the job
      const end = Math.min(next + slice - 1, this.table.length);
      for (; next <= end; next++) this.patientByPid(next);
      if (next > this.table.length) {
        this.complete = true;
        this.filling = undefined;
      } else {
        this.filling = setImmediate(step).unref();
      }
    };
    if (!this.complete) this.filling = setImmediate(step).unref();
  }

  stopFilling(): void {
    if (this.filling) clearImmediate(this.filling);
    this.filling = undefined;
  }

  /** Patients in pid order as a list whose slices generate only their own rows (unsorted paging). */
  patientsByPid(): PatientList {
    return {
      length: this.table.length,
      slice: (start = 0, end = this.table.length) => {
        const out: PatientRecord[] = [];
        for (let pid = start + 1; pid <= Math.min(end, this.table.length); pid++)
          out.push(this.patientByPid(pid) as PatientRecord);
        return out;
      },
    };
  }

  private generateAt(pid: number): PatientRecord | undefined {
    if (pid > this.generatedCount) return undefined;
    const p = generatePatient(this.seed, pid - 1);
    p.uuid = withPid(p.uuid, pid);
    this.table[pid - 1] = p;
    return p;
  }

  /** Patients ordered by an OpenEMR `_sort` spec ("lname,-fname"); results are cached until a write. */
  sortedPatients(spec: string): PatientRecord[] {
    if (!spec) return this.allPatients();
    const cached = this.sorted.get(spec);
    if (cached) return cached;
    const keys = spec
      .split(',')
      .filter(Boolean)
      .map((k) => (k.startsWith('-') ? { field: k.slice(1), dir: -1 } : { field: k, dir: 1 }));
    const list = [...this.allPatients()].sort((a, b) => {
      for (const { field, dir } of keys) {
        const x = a[field] ?? '';
        const y = b[field] ?? '';
        if (x < y) return -dir;
        if (x > y) return dir;
      }
      return a.pid - b.pid;
    });
    this.sorted.set(spec, list);
    return list;
  }

  childrenOf(pid: number): Children {
    let kids = this.children.get(pid);
    if (!kids) {
      const patient = this.patientByPid(pid);
      if (!patient) throw new Error(`no patient ${pid}`);
      const nextId = () => this.nextChildId(pid);
      if (pid <= this.generatedCount) {
        kids = generateChildren(this.seed, patient, this.globals, nextId);
        for (const kind of CHILD_KINDS) for (const row of kids[kind]) row.uuid = withPid(row.uuid, pid);
        for (const appt of kids.appointment) appt.pc_uuid = appt.uuid;
      } else {
        kids = Object.fromEntries(CHILD_KINDS.map((k) => [k, []])) as unknown as Children;
      }
      this.children.set(pid, kids);
    }
    return kids;
  }

  child(kind: ChildKind, id: number | string): ChildRow | undefined {
    const pid = typeof id === 'number' ? Math.floor(id / ID_SPAN) : pidOfUuid(id);
    if (!this.patientByPid(pid)) return undefined;
    return this.childrenOf(pid)[kind].find((r) => (typeof id === 'number' ? r.id === id : r.uuid === id));
  }

  /** Rows of one kind across patients in pid order, generated lazily; stops once `want` rows are found. */
  allChildren(kind: ChildKind, want = Infinity, filter: (row: ChildRow) => boolean = () => true): ChildRow[] {
    const out: ChildRow[] = [];
    for (const p of this.eachPatient()) {
      for (const row of this.childrenOf(p.pid)[kind]) {
        if (filter(row)) out.push(row);
        if (out.length >= want) return out;
      }
    }
    return out;
  }

  newChildIdentity(pid: number): { id: number; uuid: string; pid: number } {
    this.childrenOf(pid);
    return { id: this.nextChildId(pid), uuid: withPid(randomUuid(), pid), pid };
  }

  newPatientIdentity(): { pid: number; uuid: string } {
    const pid = this.table.length + 1;
    return { pid, uuid: withPid(randomUuid(), pid) };
  }

  putPatient(row: PatientRecord): void {
    this.apply({ t: 'patient', row });
  }

  putChild(kind: ChildKind, row: ChildRow): void {
    this.apply({ t: 'child', kind, row });
  }

  deleteChild(kind: ChildKind, pid: number, id: number): void {
    this.apply({ t: 'delete', kind, pid, id });
  }

  putGlobal(kind: GlobalKind, row: Row): void {
    this.apply({ t: 'global', kind, row });
  }

  /** Applies one write and records it; persistence replays the same entries with `record` false. */
  apply(entry: JournalEntry, record = true): void {
    if (entry.t === 'patient') {
      const { row } = entry;
      this.table[row.pid - 1] = row;
      this.sorted.clear();
    } else if (entry.t === 'child') {
      upsert(this.childrenOf(entry.row.pid)[entry.kind], entry.row);
      this.bumpCounter(entry.row.pid, entry.row.id);
    } else if (entry.t === 'delete') {
      const rows = this.childrenOf(entry.pid)[entry.kind];
      const at = rows.findIndex((r) => r.id === entry.id);
      if (at >= 0) rows.splice(at, 1);
    } else {
      upsert(this.globals[entry.kind], entry.row);
    }
    if (record) {
      this.journal.push(entry);
      this.onWrite();
    }
  }

  nextGlobalId(kind: GlobalKind): number {
    return this.globals[kind].reduce((max, r) => Math.max(max, Number(r.id)), 0) + 1;
  }

  private nextChildId(pid: number): number {
    const n = (this.counters.get(pid) ?? 0) + 1;
    this.counters.set(pid, n);
    return pid * ID_SPAN + n;
  }

  private bumpCounter(pid: number, id: number): void {
    const n = id - pid * ID_SPAN;
    if (n > (this.counters.get(pid) ?? 0)) this.counters.set(pid, n);
  }
}

function upsert(rows: Row[], row: Row): void {
  const at = rows.findIndex((r) => r.id === row.id);
  if (at >= 0) rows[at] = row;
  else rows.push(row);
}

export function randomUuid(): string {
  const b = randomBytes(16).toString('hex');
  return `${b.slice(0, 8)}-${b.slice(8, 12)}-4${b.slice(13, 16)}-a${b.slice(17, 20)}-${b.slice(20, 32)}`;
}

/** The last 8 hex digits of every simulator uuid carry the patient's pid. */
function withPid(uuid: string, pid: number): string {
  return uuid.slice(0, 28) + pid.toString(16).padStart(8, '0');
}

export function pidOfUuid(uuid: string): number {
  return /^[0-9a-f-]{36}$/i.test(uuid) ? parseInt(uuid.slice(28), 16) : 0;
}
