/**
 * Server profiles as plain data: reading them back from the `openemr.servers` setting (which people may
 * edit by hand), making ids, and turning a profile into the core's ServerConfig. No `vscode` import.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_SITE, normalizeBaseUrl, type ServerConfig } from '../core';
import type { ApiName, NewServerProfile, ServerProfile } from '../services';

const API_NAMES: readonly ApiName[] = ['api', 'fhir', 'portal'];

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string' && s.length > 0) : undefined;
}

/** Makes an id from the name that no other profile uses (ids appear in command arguments, so keep them readable). */
export function newProfileId(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const stem =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'server';
  let id = stem;
  for (let n = 2; used.has(id); n++) id = `${stem}-${n}`;
  return id;
}

/** A default display name: the host (and webroot) of the URL. */
export function defaultProfileName(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** One entry of the setting, or undefined when it is unusable (no valid base URL). Unknown fields are dropped. */
export function parseProfile(raw: unknown, fallbackId: string): ServerProfile | undefined {
  const o = record(raw);
  const rawUrl = text(o?.baseUrl);
  if (!o || !rawUrl) return undefined;
  let baseUrl: string;
  try {
    baseUrl = normalizeBaseUrl(rawUrl);
  } catch {
    return undefined;
  }
  const tls = record(o.tls);
  const port =
    typeof o.redirectPort === 'number' && Number.isInteger(o.redirectPort) && o.redirectPort > 0 && o.redirectPort < 65536
      ? o.redirectPort
      : undefined;
  const apis = strings(o.apis)?.filter((a): a is ApiName => (API_NAMES as readonly string[]).includes(a));
  const profile: ServerProfile = {
    id: text(o.id) ?? fallbackId,
    name: text(o.name) ?? defaultProfileName(baseUrl),
    baseUrl,
    site: text(o.site) ?? DEFAULT_SITE,
  };
  if (apis?.length) profile.apis = apis;
  if (tls && (text(tls.caFile) || tls.allowSelfSigned === true)) {
    profile.tls = { caFile: text(tls.caFile), allowSelfSigned: tls.allowSelfSigned === true || undefined };
  }
  if (o.allowInsecureHttp === true) profile.allowInsecureHttp = true;
  if (port) profile.redirectPort = port;
  if (text(o.clientId)) profile.clientId = text(o.clientId);
  if (o.applicationType === 'private' || o.applicationType === 'public') profile.applicationType = o.applicationType;
  const scopes = strings(o.scopes);
  if (scopes?.length) profile.scopes = scopes;
  return profile;
}

/** The whole setting: invalid entries are skipped, duplicate ids get a suffix so every id stays unique. */
export function parseProfiles(raw: unknown): ServerProfile[] {
  const out: ServerProfile[] = [];
  for (const [index, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    const profile = parseProfile(entry, `server-${index + 1}`);
    if (!profile) continue;
    if (out.some((p) => p.id === profile.id))
      profile.id = newProfileId(
        profile.id,
        out.map((p) => p.id),
      );
    out.push(profile);
  }
  return out;
}

/** A complete profile for a new server. Throws TypeError for an invalid URL or site. */
export function createProfile(input: NewServerProfile, taken: Iterable<string>): ServerProfile {
  const baseUrl = normalizeBaseUrl(input.baseUrl);
  const name = input.name?.trim() || defaultProfileName(baseUrl);
  const profile = parseProfile({ ...input, baseUrl, name, id: newProfileId(name, taken) }, 'server');
  if (!profile) throw new TypeError(`Not a valid server URL: ${input.baseUrl}`);
  return profile;
}

/** The core's view of a profile; the CA file is read here so that the core never touches the disk. */
export function toServerConfig(
  profile: ServerProfile,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): ServerConfig {
  return {
    baseUrl: profile.baseUrl,
    site: profile.site,
    allowInsecureHttp: profile.allowInsecureHttp,
    redirectPort: profile.redirectPort,
    tls: profile.tls
      ? { ca: profile.tls.caFile ? readFile(profile.tls.caFile) : undefined, allowSelfSigned: profile.tls.allowSelfSigned }
      : undefined,
  };
}

/** True when two profiles need different HTTP clients (the fields the core's ServerConfig is built from). */
export function connectionChanged(a: ServerProfile, b: ServerProfile): boolean {
  const key = (p: ServerProfile): string =>
    JSON.stringify([p.baseUrl, p.site, p.allowInsecureHttp, p.redirectPort, p.tls, p.clientId]);
  return key(a) !== key(b);
}
