/**
 * 8.x's background services (facts §5): `GET /api/background_service[/:name]`, `POST …/$run` (every due
 * service) and `POST …/:name/run` (one service, even when not due). The rows follow OpenEMR's
 * `background_services` table; a run only moves the service's clock, nothing is executed.
 */
import type { Row } from '../data/records.js';
import { apiRoute as api, type ApiRoute } from './api-route.js';
import { envelopeReply, itemReply, listReply } from './envelope.js';

export interface BackgroundService extends Row {
  name: string;
  title: string;
  active: number;
  running: number;
  /** 'YYYY-MM-DD HH:MM:SS' (UTC); a new install has 1970-01-01 00:00:00, so every active service is due */
  next_run: string;
  /** minutes between runs */
  execute_interval: number;
  function: string;
  require_once: string;
  sort_order: number;
}

/** What a run reports per service, as OpenEMR's runner does. */
export type RunStatus = 'executed' | 'not_due' | 'not_active';

const NEVER_RUN = '1970-01-01 00:00:00';

type Seed = [name: string, title: string, active: number, interval: number, fn: string, file: string, order: number];

const SEEDS: Seed[] = [
  ['phimail', 'phiMail Direct Messaging Service', 0, 5, 'phimail_check', '/library/direct_message_check.inc.php', 100],
  ['MedEx', 'MedEx Messaging Service', 0, 5, 'start_MedEx', '/library/MedEx/MedEx_background.php', 100],
  ['X12_SFTP', 'SFTP Claims to X12 Partner Service', 0, 1, 'start_X12_SFTP', '/library/billing_sftp_service.php', 100],
  ['Email_Service', 'Email Service', 1, 2, 'emailServiceRun', '/library/email_service_run.php', 100],
  ['SMS_Service', 'SMS Service', 1, 5, 'smsServiceRun', '/library/sms_service_run.php', 100],
  ['UUID_Service', 'Automated UUID Creation Service', 1, 240, 'autoPopulateAllMissingUuids', '/library/uuid.php', 100],
];

/** OpenEMR's datetime text, in UTC. */
function sqlDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function dueAt(service: BackgroundService): number {
  return Date.parse(`${service.next_run.replace(' ', 'T')}Z`);
}

/** The services of one simulator; fresh (never run) after start and after a reset. */
export class BackgroundServiceTable {
  private readonly rows: BackgroundService[] = SEEDS.map(
    ([name, title, active, execute_interval, fn, require_once, sort_order]) => ({
      name,
      title,
      active,
      running: 0,
      next_run: NEVER_RUN,
      execute_interval,
      function: fn,
      require_once,
      sort_order,
    }),
  );

  /** By sort_order, then name: the order the runner walks them. */
  all(): BackgroundService[] {
    return [...this.rows].sort((a, b) => a.sort_order - b.sort_order || (a.name < b.name ? -1 : 1)).map((r) => ({ ...r }));
  }

  find(name: string): BackgroundService | undefined {
    const row = this.rows.find((r) => r.name === name);
    return row && { ...row };
  }

  /** Runs one service: `force` ignores next_run (a run by name); inactive services never run. */
  run(name: string, force: boolean, now = Date.now()): RunStatus {
    const row = this.rows.find((r) => r.name === name);
    if (!row || row.active !== 1) return 'not_active';
    if (!force && dueAt(row) > now) return 'not_due';
    row.next_run = sqlDateTime(now + row.execute_interval * 60_000);
    return 'executed';
  }

  /** Runs every due service, as the 60-second heartbeat of OpenEMR's main page does. */
  runDue(now = Date.now()): { name: string; status: RunStatus }[] {
    return this.all().map((s) => ({ name: s.name, status: this.run(s.name, false, now) }));
  }
}

/** The routes; 8.x only. Scopes: user/background_service.s and .r, user/background_service.$run, and user/run.c (sic). */
export const BACKGROUND_SERVICE_ROUTES: ApiRoute[] = [
  api('GET', '/api/background_service', 'background_service', (ctx) => listReply(ctx, ctx.state.backgroundServices.all()), {
    v8: true,
  }),
  api(
    'GET',
    '/api/background_service/:name',
    'background_service',
    (ctx, params) => itemReply(ctx.state.backgroundServices.find(params.name)),
    { v8: true },
  ),
  api(
    'POST',
    '/api/background_service/$run',
    'background_service',
    (ctx) => envelopeReply({ results: ctx.state.backgroundServices.runDue() }),
    { v8: true, operation: '$run' },
  ),
  api(
    'POST',
    '/api/background_service/:name/run',
    // OpenEMR takes the scope resource from the last path segment: user/run.c
    'run',
    (ctx, params) => {
      const services = ctx.state.backgroundServices;
      if (!services.find(params.name)) return itemReply(undefined);
      return envelopeReply({ results: [{ name: params.name, status: services.run(params.name, true) }] });
    },
    { v8: true },
  ),
];
