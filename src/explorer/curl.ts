/** "Copy as cURL": a shell command for a GET, with `$OPENEMR_TOKEN` standing in for the token. vscode-free. */

export const TOKEN_PLACEHOLDER = '$OPENEMR_TOKEN';

/** Quotes for POSIX shells: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The token is never put in: the header reads the OPENEMR_TOKEN shell variable (double quotes, so it expands). */
export function curlFor(url: string, accept = 'application/json'): string {
  return [
    `curl -sS ${shellQuote(url)}`,
    `-H ${shellQuote(`Accept: ${accept}`)}`,
    `-H "Authorization: Bearer ${TOKEN_PLACEHOLDER}"`,
  ].join(' \\\n  ');
}
