/** NDJSON helpers for bulk export files: a streaming line counter and the reading of error files. vscode-free. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged and counts the non-empty lines, without holding the file in memory. */
export class LineCounter extends Transform {
  lines = 0;
  bytes = 0;
  /** Whether the bytes since the last newline hold anything but whitespace. */
  private pending = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a) {
        if (this.pending) this.lines++;
        this.pending = false;
      } else if (b !== 0x0d && b !== 0x20 && b !== 0x09) this.pending = true;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.pending) this.lines++;
    this.pending = false;
    done();
  }
}

/** The messages of an NDJSON file of OperationOutcomes (a bulk export's error file), at most `max`. */
export async function readOutcomeMessages(file: string, max = 50): Promise<string[]> {
  const out: string[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    if (out.length >= max) break;
    try {
      const parsed = JSON.parse(line) as { issue?: Array<{ diagnostics?: string; details?: { text?: string }; code?: string }> };
      for (const issue of parsed.issue ?? []) out.push(issue.diagnostics ?? issue.details?.text ?? issue.code ?? 'error');
    } catch {
      out.push(line.slice(0, 200));
    }
  }
  lines.close();
  return out;
}
