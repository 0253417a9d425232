/**
 * Copy as snippet (cURL, fetch, Python requests) from a history entry, a request of a file, or a record of
 * the Servers tree. The token comes from $OPENEMR_TOKEN unless the user accepts a modal warning to put the
 * live token in.
 */
import * as vscode from 'vscode';
import { snippet, SNIPPET_KINDS, TOKEN_VARIABLE, type SnippetKind, type SnippetRequest } from '../core/requests/snippets';
import type { SendRequestArgs } from '../core/requests/send';
import type { CommandArgs } from '../commands/commandSupport';
import type { Services } from '../services';

const KINDS = Object.keys(SNIPPET_KINDS) as SnippetKind[];

export interface SnippetArgs {
  kind?: SnippetKind;
  /** Put the live token in (only after the modal warning when interactive). */
  includeToken?: boolean;
  /** Without prompts, the token goes in only with this set (as for "Copy Access Token"). */
  acknowledgeRisk?: boolean;
}

export interface SnippetResult {
  kind: SnippetKind;
  /** The snippet, when it does not hold the token (a snippet with the token goes to the clipboard only). */
  snippet?: string;
  includesToken: boolean;
}

/** The body as it is to be sent: strings as they are, other values as JSON. */
export function bodyText(body: unknown): string | undefined {
  return body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
}

/** The Accept and Content-Type the client adds, so that a snippet sends the same request. */
export function snippetHeaders(
  path: string,
  headers: Record<string, string> | undefined,
  hasBody: boolean,
): Record<string, string> {
  const out: Record<string, string> = {
    Accept: path.startsWith('/fhir') ? 'application/fhir+json, application/json' : 'application/json',
  };
  if (hasBody) out['Content-Type'] = 'application/json';
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const k of Object.keys(out)) if (k.toLowerCase() === name.toLowerCase()) delete out[k];
    out[name] = value;
  }
  return out;
}

export async function copySnippet(
  services: Services,
  serverId: string,
  request: SnippetRequest,
  args: SnippetArgs,
  interactive: boolean,
): Promise<SnippetResult | undefined> {
  let kind = args.kind;
  if (!kind) {
    const picked = await vscode.window.showQuickPick(
      KINDS.map((k) => ({ label: SNIPPET_KINDS[k], snippetKind: k })),
      { title: 'Copy as' },
    );
    if (!picked) return undefined;
    kind = picked.snippetKind;
  }
  if (!KINDS.includes(kind)) throw new Error(`Unknown snippet kind "${String(kind)}": use ${KINDS.join(', ')}.`);
  let includeToken = args.includeToken === true;
  if (includeToken && !interactive && args.acknowledgeRisk !== true)
    throw new Error('A snippet with the live token needs { includeToken: true, acknowledgeRisk: true }.');
  if (includeToken && interactive) {
    const answer = await vscode.window.showWarningMessage(
      'Put the live access token into the snippet?',
      {
        modal: true,
        detail: `Anyone who reads the snippet can act as you on this OpenEMR server until the token expires. Without it, the snippet reads $${TOKEN_VARIABLE}.`,
      },
      'Include the Token',
    );
    includeToken = answer === 'Include the Token';
  }
  const token = includeToken ? await services.tokens.accessToken(serverId) : undefined;
  const text = snippet(kind, request, { token });
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(
    includeToken
      ? `${SNIPPET_KINDS[kind]} copied, with the live token`
      : `${SNIPPET_KINDS[kind]} copied; it reads the token from $${TOKEN_VARIABLE}`,
    5000,
  );
  return { kind, snippet: includeToken ? undefined : text, includesToken: includeToken };
}

/** The snippet options of a command's argument object. */
export function snippetArgsOf(args: CommandArgs | undefined): SnippetArgs {
  return {
    kind: typeof args?.kind === 'string' ? (args.kind as SnippetKind) : undefined,
    includeToken: args?.includeToken === true,
    acknowledgeRisk: args?.acknowledgeRisk === true,
  };
}

/** Copies a snippet of a request as the runner would send it (the same Accept and Content-Type). */
export function copyRequestSnippet(
  services: Services,
  request: Pick<SendRequestArgs, 'serverId' | 'method' | 'path' | 'headers' | 'body'>,
  args: SnippetArgs,
  interactive: boolean,
): Promise<SnippetResult | undefined> {
  const body = bodyText(request.body);
  const url = services.client(request.serverId).resolve(request.path).url;
  const headers = snippetHeaders(request.path, request.headers, body !== undefined);
  return copySnippet(services, request.serverId, { method: request.method, url, headers, body }, args, interactive);
}
