import type { Logger } from '../../../src/core';

/** A Logger that keeps every line, to assert what was (and was not) logged. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      lines.push([level, message, ...args.map(String)].join(' '));
  return { lines, trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
