/**
 * Runs the requests of a request file: resolves variables, sends, keeps the answers of named requests for
 * later references, and evaluates the assertions. A request that reads an earlier named request which has
 * not been sent in this run sends that one first.
 */
import { OpenEmrError } from '../errors';
import { evaluateAssertion, parseAssertion, type AssertionResult } from './assertions';
import type { HttpFile, RequestBlock } from './httpFile';
import type { SendOutcome, SendRequestArgs } from './send';
import { classifyVariable, findVariables, resolveTemplate, type NamedResponse, type VariableScope } from './variables';

export interface FileRunHooks {
  /** The server id of a request: its `# @server`, the file's, or the chosen one. */
  serverFor(block: RequestBlock): string;
  /** A path relative to the API root for an absolute URL of that server (throws for another host). */
  relativize(serverId: string, url: string): string;
  send(args: SendRequestArgs, signal?: AbortSignal): Promise<SendOutcome>;
}

export interface RequestRun {
  block: RequestBlock;
  args?: SendRequestArgs;
  outcome?: SendOutcome;
  assertions: AssertionResult[];
  /** Why the request could not be sent or checked (a variable, a bad assertion, no answer). */
  error?: Error;
  passed: boolean;
}

/** Every request name a block refers to through `{{name.response...}}`. */
export function referencedRequests(block: RequestBlock): string[] {
  const texts = [block.url, ...block.headers.map((h) => h.value), block.body ?? '', ...block.assertions.map((a) => a.text)];
  const names = texts.flatMap((t) =>
    findVariables(t).flatMap((ref) => {
      const v = classifyVariable(ref.expr);
      return v?.kind === 'response' ? [v.request] : [];
    }),
  );
  return [...new Set(names)];
}

export class FileRun {
  readonly responses = new Map<string, NamedResponse>();
  private readonly running = new Set<number>();

  constructor(
    readonly file: HttpFile,
    private readonly scope: Omit<VariableScope, 'responses' | 'variables'>,
    private readonly hooks: FileRunHooks,
  ) {}

  private variables(): VariableScope {
    return { ...this.scope, variables: this.file.variables, responses: this.responses };
  }

  /** The request as it will be sent (variables resolved). */
  prepare(block: RequestBlock): SendRequestArgs {
    const scope = this.variables();
    const serverId = this.hooks.serverFor(block);
    const url = resolveTemplate(block.url, scope).trim();
    const path = /^https?:\/\//i.test(url) ? this.hooks.relativize(serverId, url) : url;
    if (!/^\/(api|fhir|portal)(\/|\?|$)/.test(path))
      throw new OpenEmrError('invalid-request', `"${url.slice(0, 80)}" is not an OpenEMR API path`, {
        fix: 'Write the path relative to the API root: /api/..., /fhir/... or /portal/....',
      });
    const headers: Record<string, string> = {};
    for (const h of block.headers)
      if (h.name.toLowerCase() !== 'authorization') headers[h.name] = resolveTemplate(h.value, scope);
    const body = block.body === undefined ? undefined : resolveTemplate(block.body, scope);
    return {
      serverId,
      method: block.method,
      path,
      headers: Object.keys(headers).length ? headers : undefined,
      body: block.method === 'GET' || block.method === 'HEAD' ? undefined : body,
    };
  }

  async run(block: RequestBlock, signal?: AbortSignal): Promise<RequestRun> {
    const run: RequestRun = { block, assertions: [], passed: false };
    this.running.add(block.index);
    try {
      for (const name of referencedRequests(block)) {
        if (this.responses.has(name)) continue;
        const dependency = this.file.requests.find((r) => r.name === name);
        if (dependency && !this.running.has(dependency.index)) await this.run(dependency, signal);
      }
      run.args = this.prepare(block);
      run.outcome = await this.hooks.send(run.args, signal);
      const { result } = run.outcome;
      if (block.name) this.responses.set(block.name, result);
      for (const line of block.assertions) {
        const assertion = parseAssertion(resolveTemplate(line.text, this.variables()));
        run.assertions.push(evaluateAssertion(assertion, result));
      }
      run.passed = run.assertions.every((a) => a.passed);
    } catch (err) {
      run.error = err instanceof Error ? err : new Error(String(err));
    } finally {
      this.running.delete(block.index);
    }
    return run;
  }

  async runAll(signal?: AbortSignal): Promise<RequestRun[]> {
    const runs: RequestRun[] = [];
    for (const block of this.file.requests) {
      if (signal?.aborted) break;
      runs.push(await this.run(block, signal));
    }
    return runs;
  }
}
