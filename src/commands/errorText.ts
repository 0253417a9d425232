/** How a failure reads in a notification and in the error a non-interactive call rejects with. No `vscode` import. */
import { isOpenEmrError, OpenEmrError } from '../core';

/** One line for a notification or an Error thrown to a non-interactive caller. */
export function describeError(err: unknown): string {
  if (isOpenEmrError(err)) return `${err.message}. ${err.explanation} Fix: ${err.fix}`.replace(/\.\. /g, '. ');
  return err instanceof Error ? err.message : String(err);
}

/**
 * The error a non-interactive call rejects with: the fields of the OpenEmrError it failed with, and as its
 * message the whole line a notification would show. OpenEmrError cuts messages at 300 characters, which
 * would cut the fix off after a long server answer; every part of the line is already free of secrets
 * (the message was redacted when the original error was made, explanation and fix are guide texts).
 */
export class CommandError extends OpenEmrError {
  constructor(err: OpenEmrError) {
    super(err.kind, err.message, { status: err.status, fix: err.fix, explanation: err.explanation, scopes: err.scopes });
    this.message = describeError(err);
  }
}

/** A command as package.json declares it. */
export interface DeclaredCommand {
  command: string;
  title: string;
  category?: string;
}

/** The commands a fix names in quotes ("OpenEMR: Register Client"), in the order it names them. */
export function commandsNamedIn(fix: string, declared: readonly DeclaredCommand[]): DeclaredCommand[] {
  const byTitle = new Map(declared.map((c) => [c.category ? `${c.category}: ${c.title}` : c.title, c]));
  const named: DeclaredCommand[] = [];
  for (const match of fix.matchAll(/["'“]([^"'”]+)["'”]/g)) {
    const command = byTitle.get(match[1]!.trim());
    if (command && !named.includes(command)) named.push(command);
  }
  return named;
}
