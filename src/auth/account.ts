/** Token-free labels for the UI: who is signed in where, and for how long. No `vscode` import. */
import type { TokenSummary } from '../core';

/** The user name (preferred_username in the id token), else the FHIR user, else the subject. */
export function accountName(summary: TokenSummary | undefined, claims?: Record<string, unknown>): string | undefined {
  const preferred = claims?.preferred_username;
  if (typeof preferred === 'string' && preferred) return preferred;
  return summary?.fhirUser?.split('/').pop() ?? summary?.subject;
}

/** `admin@clinic` style label of a signed-in server. */
export function accountLabel(user: string | undefined, serverName: string): string {
  return user ? `${user}@${serverName}` : serverName;
}

/** Minutes (or hours) left, e.g. `52 min`, `2 h 5 min`, `expired`. */
export function timeLeft(expiresAt: number, now = Date.now()): string {
  const minutes = Math.floor((expiresAt - now) / 60_000);
  if (minutes < 0) return 'expired';
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}
