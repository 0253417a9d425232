/** Whether a command met a hostile case and held: ended in time, with a result or an error that says what happened. */
import type { HostileCase } from './cases';

export interface Outcome {
  /** The public path that ran (driver and, for the editor, which command). */
  via: string;
  ms: number;
  /** Thrown error, or the error the command reported (an error row, a failed result). */
  error?: { message: string; name?: string };
  /** The command shows any answer, error statuses included (the viewer, the request runner). */
  showsAnswers?: boolean;
  /** The HTTP status the command showed, when it shows answers. */
  shownStatus?: number;
}

/** Problems with one outcome; empty when the case held. `limitMs` is the command's time-out plus slack. */
export function judge(hostile: HostileCase, outcome: Outcome, limitMs: number): string[] {
  const problems: string[] = [];
  const at = `${hostile.name} via ${outcome.via}`;
  if (outcome.ms > limitMs) problems.push(`${at}: took ${outcome.ms} ms (limit ${limitMs} ms)`);
  if (outcome.error) {
    if (hostile.mustSucceed) problems.push(`${at}: failed although the answer is usable: ${outcome.error.message}`);
    else if (!hostile.says.test(outcome.error.message))
      problems.push(`${at}: the error does not say what happened (${String(hostile.says)}): ${outcome.error.message}`);
    if (/Maximum call stack|Cannot read prop|undefined is not|is not a function/i.test(outcome.error.message))
      problems.push(`${at}: a programming error leaked: ${outcome.error.message}`);
  } else if (hostile.mustFail && !outcome.showsAnswers && !(outcome.shownStatus !== undefined && outcome.shownStatus >= 300)) {
    problems.push(`${at}: ended with a result although the answer must be refused`);
  }
  return problems;
}

/** The closing line of a hostile run. */
export function hostileLine(cases: number, held: number): string {
  return `hostile: ${cases} cases, ${held} held`;
}
