import { OpenEmrError } from '../errors';
import { redactText, redactUrl } from '../log';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

interface ErrorWithCode {
  code?: unknown;
  type?: unknown;
  name?: unknown;
  message?: unknown;
  errno?: unknown;
}

function codeOf(err: ErrorWithCode): string {
  const code = err.code ?? err.errno;
  return typeof code === 'string' ? code : '';
}

/** Maps a failure of the transport itself (no HTTP answer) to an OpenEmrError. */
export function transportError(
  err: unknown,
  url: string,
  why: 'timeout' | 'cancelled' | undefined,
  timeoutMs: number,
  maxBytes: number,
): OpenEmrError {
  const where = redactUrl(url);
  if (err instanceof OpenEmrError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorWithCode;
  const code = codeOf(e);
  const detail = redactText(typeof e.message === 'string' ? e.message : String(err));
  if (why === 'timeout') return new OpenEmrError('timeout', `No answer from ${where} within ${timeoutMs} ms`, { cause: err });
  if (why === 'cancelled' || e.name === 'AbortError')
    return new OpenEmrError('cancelled', `Request to ${where} was cancelled`, { cause: err });
  if (e.type === 'max-size') {
    return new OpenEmrError('response-too-large', `Response from ${where} is larger than ${maxBytes} bytes`, { cause: err });
  }
  if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(detail)) {
    return new OpenEmrError('tls', `TLS failure talking to ${where}: ${code || detail}`, { cause: err });
  }
  return new OpenEmrError('network', `Cannot reach ${where}: ${code || detail}`, { cause: err });
}
