/** Simulator options: the programmatic form, its defaults, and the command-line flags that set them. */

export type ApiName = 'rest' | 'fhir' | 'portal';

export interface SimOptions {
  port?: number;
  host?: string;
  sites?: string[];
  patients?: number;
  seed?: number;
  /** 7 = OpenEMR 7.0.3, 8 = 8.0.0, 8.1 = 8.1.0 (8.0.0 plus the scope `user/prescription.write`). */
  flavor?: 7 | 8 | 8.1;
  passwordGrant?: 0 | 1 | 2 | 3;
  manualApproval?: boolean;
  systemScopes?: boolean;
  apis?: ApiName[];
  tokenTtl?: number;
  latency?: number;
  failRate?: number;
  /** Bulk export status polls answered 202 before a job completes (slow jobs: progress and cancel). */
  exportPolls?: number;
  dataFile?: string;
  /**
   * The address clients reach the simulator at when a reverse proxy stands in front of it (OpenEMR's
   * `site_addr_oath` global): discovery, token issuers and audiences name it instead of the listening address.
   */
  publicUrl?: string;
  /** No console output. */
  quiet?: boolean;
}

/** The OpenEMR release a flavor answers as. */
export type Release = '7.0.3' | '8.0.0' | '8.1.0';
const RELEASES: Record<string, Release> = { '7': '7.0.3', '8': '8.0.0', '8.1': '8.1.0' };

export type ResolvedOptions = Required<Omit<SimOptions, 'dataFile' | 'flavor' | 'publicUrl'>> & {
  dataFile?: string;
  publicUrl?: string;
  /** the server line: error shapes, scopes v1 only (7) or v1 and v2 (8) */
  flavor: 7 | 8;
  release: Release;
};

export const MAX_PATIENTS = 100_000;

export function resolveOptions(o: SimOptions = {}): ResolvedOptions {
  const patients = o.patients ?? 50;
  if (!Number.isInteger(patients) || patients < 0 || patients > MAX_PATIENTS)
    throw new Error(`patients must be 0..${MAX_PATIENTS}`);
  const release = RELEASES[String(o.flavor ?? 8)];
  if (!release) throw new Error('flavor must be 7, 8 or 8.1');
  const flavor = release === '7.0.3' ? 7 : 8;
  const passwordGrant = o.passwordGrant ?? 3;
  if (![0, 1, 2, 3].includes(passwordGrant)) throw new Error('password grant must be 0, 1, 2 or 3');
  const sites = o.sites?.length ? o.sites : ['default'];
  for (const s of sites) if (!/^[A-Za-z0-9_-]+$/.test(s)) throw new Error(`bad site name: ${s}`);
  if (o.publicUrl !== undefined && !/^https?:\/\/[^/?#]+$/.test(o.publicUrl))
    throw new Error('public URL must be an http(s) origin without a path, e.g. https://emr.example.org');
  const failRate = o.failRate ?? 0;
  if (!(failRate >= 0 && failRate <= 1)) throw new Error('fail rate must be between 0 and 1');
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    sites,
    patients,
    seed: o.seed ?? 1,
    flavor,
    release,
    passwordGrant,
    manualApproval: o.manualApproval ?? false,
    systemScopes: o.systemScopes ?? false,
    apis: o.apis ?? ['rest', 'fhir', 'portal'],
    tokenTtl: o.tokenTtl ?? 3600,
    latency: o.latency ?? 0,
    failRate,
    exportPolls: o.exportPolls ?? 1,
    dataFile: o.dataFile,
    publicUrl: o.publicUrl,
    quiet: o.quiet ?? false,
  };
}

export const FLAG_HELP = `Usage: npm run sim -- [flags]
  --port N                 port, 0 = any free port (default 8300)
  --host H                 address to bind (default 127.0.0.1)
  --sites a,b              site names; others answer as unknown sites (default default)
  --patients N             number of generated patients, up to 100000 (default 50)
  --seed N                 same seed, same data (default 1)
  --flavor 7|8|8.1         answer as OpenEMR 7.0.3, 8.0.0 or 8.1.0 (default 8)
  --password-grant 0|1|2|3 oauth_password_grant: off, users, patient, both (default 3)
  --manual-approval        oauth_app_manual_approval on: every new client starts disabled
  --system-scopes          rest_system_scopes_api on: system/ scopes, client_credentials, bulk export
  --api rest,fhir,portal   which APIs are on (default all three)
  --token-ttl S            access-token lifetime in seconds (default 3600)
  --latency MS             delay added to every answer (default 0)
  --fail-rate P            answer 500 at random with probability P, seeded (default 0)
  --export-polls N         bulk export status polls answered 202 before a job completes (default 1)
  --data-file PATH         load data from PATH and persist every write there
  --public-url URL         the origin clients use behind a reverse proxy (site_addr_oath)
  --quiet                  print only the listening line
  --help                   this text`;

/** Parses command-line flags; the CLI's default port is 8300 (programmatic default: 0). */
export function parseFlags(argv: string[]): SimOptions & { help?: boolean } {
  const out: SimOptions & { help?: boolean } = { port: 8300 };
  const numberOf = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const takesValue = !['--manual-approval', '--system-scopes', '--quiet', '--help', '-h'].includes(flag);
    const value = takesValue ? (inline ?? argv[++i]) : undefined;
    switch (flag) {
      case '--port':
        out.port = numberOf(flag, value);
        break;
      case '--host':
        out.host = value;
        break;
      case '--sites':
        out.sites = (value ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--patients':
        out.patients = numberOf(flag, value);
        break;
      case '--seed':
        out.seed = numberOf(flag, value);
        break;
      case '--flavor':
        out.flavor = numberOf(flag, value) as 7 | 8 | 8.1;
        break;
      case '--password-grant':
        out.passwordGrant = numberOf(flag, value) as 0 | 1 | 2 | 3;
        break;
      case '--manual-approval':
        out.manualApproval = true;
        break;
      case '--system-scopes':
        out.systemScopes = true;
        break;
      case '--api':
        out.apis = parseApis(value ?? '');
        break;
      case '--token-ttl':
        out.tokenTtl = numberOf(flag, value);
        break;
      case '--latency':
        out.latency = numberOf(flag, value);
        break;
      case '--fail-rate':
        out.failRate = numberOf(flag, value);
        break;
      case '--export-polls':
        out.exportPolls = numberOf(flag, value);
        break;
      case '--data-file':
        out.dataFile = value;
        break;
      case '--public-url':
        out.publicUrl = value;
        break;
      case '--quiet':
        out.quiet = true;
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        throw new Error(`unknown flag ${argv[i]}`);
    }
  }
  return out;
}

function parseApis(value: string): ApiName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) if (n !== 'rest' && n !== 'fhir' && n !== 'portal') throw new Error(`unknown api ${n}`);
  return names as ApiName[];
}
