/** "Copy as cURL" of the explorer: a GET through the request runner's snippet generator (one quoting implementation). */
import { curlSnippet, TOKEN_VARIABLE } from '../core/requests/snippets';

export { shellQuote } from '../core/requests/snippets';

export const TOKEN_PLACEHOLDER = `$${TOKEN_VARIABLE}`;

/** The token is never put in: the header reads the OPENEMR_TOKEN shell variable (double quotes, so it expands). */
export function curlFor(url: string, accept = 'application/json'): string {
  return curlSnippet({ method: 'GET', url, headers: { Accept: accept } });
}
