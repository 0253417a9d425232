import { OpenEmrError } from '../errors';
import { redactUrl } from '../log';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host) || host.endsWith('.localhost');
}

/**
 * Secrets (passwords, client secrets, tokens) only travel over https, or over http to this machine,
 * unless the server profile explicitly accepts the risk.
 */
export function assertSecretTransportAllowed(url: string, allowInsecureHttp = false): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:' || allowInsecureHttp || isLoopbackHost(parsed.hostname)) return;
  throw new OpenEmrError('insecure-transport', `Refused to send credentials over plain http to ${redactUrl(url)}`);
}
