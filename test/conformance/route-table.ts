/**
 * OpenEMR's route census, read from the TSV files beside this module: one row per route of
 * `_rest_routes.inc.php` (7.0.3) or `apis/routes/_rest_routes_{standard,fhir_r4_us_core_3_1_0,portal}.inc.php`
 * (8.x), with the scope the route's handler checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Flavor = 7 | 8;

/** What one route needs, as written in the census. */
export type CensusScope =
  | { kind: 'open' }
  | { kind: 'token' }
  /** `permissions` are letters of `cruds` (v1 read = rs, write = cud); `operation` a `$name`. */
  | { kind: 'scope'; contexts: string[]; resource: string; permissions?: string; operation?: string; v1: boolean };

export interface CensusRoute {
  api: 'standard' | 'fhir' | 'portal';
  method: string;
  path: string;
  raw: string;
  scope: CensusScope;
}

const FILES: Record<Flavor, string> = { 7: 'openemr-routes-7.0.3.tsv', 8: 'openemr-routes-8.tsv' };

export function parseCensusScope(raw: string): CensusScope {
  if (raw === 'none (open)') return { kind: 'open' };
  if (raw.startsWith('none (token only')) return { kind: 'token' };
  const m = /^(\{[a-z|]+\}|patient|user|system)\/([A-Za-z_*]+)\.(.+)$/.exec(raw);
  if (!m) throw new Error(`unreadable scope in the census: ${raw}`);
  const contexts = m[1]!.replace(/[{}]/g, '').split('|');
  const perm = m[3]!;
  if (perm.startsWith('$')) return { kind: 'scope', contexts, resource: m[2]!, operation: perm, v1: false };
  if (perm === 'read') return { kind: 'scope', contexts, resource: m[2]!, permissions: 'rs', v1: true };
  if (perm === 'write') return { kind: 'scope', contexts, resource: m[2]!, permissions: 'cud', v1: true };
  return { kind: 'scope', contexts, resource: m[2]!, permissions: perm, v1: false };
}

export function census(flavor: Flavor): CensusRoute[] {
  const text = readFileSync(join(__dirname, FILES[flavor]), 'utf8');
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => {
      const [api, method, path, raw] = line.split('\t') as [CensusRoute['api'], string, string, string];
      return { api, method, path, raw, scope: parseCensusScope(raw) };
    });
}

/** `GET /api/patient/:puuid/encounter` -> `GET /api/patient/:/encounter`: parameter names differ, shapes may not. */
export function shape(method: string, path: string): string {
  return `${method} ${path.replace(/:[A-Za-z_]+/g, ':')}`;
}

/** A concrete path for a template: every parameter gets a placeholder value. */
export function concrete(path: string): string {
  return path.replace(/:[A-Za-z_]+/g, 'x1');
}

export const FLAVOR_NAME: Record<Flavor, string> = { 7: '7.0.3', 8: '8.x' };
