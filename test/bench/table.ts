/** The closing table of `npm run bench`: figure, value, baseline, ratio (with spread), goal, met. */
import type { Figure } from './figures';

function number(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  return n.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}

function withUnit(n: number | undefined, unit: string): string {
  return n === undefined ? '' : `${number(n)}${unit ? ` ${unit}` : ''}`;
}

function ratioCell(f: Figure): string {
  if (f.ratio === undefined) return '';
  const spread = f.spread ? ` (${f.spread[0].toFixed(2)}–${f.spread[1].toFixed(2)}, n=${f.repetitions ?? '?'})` : '';
  return `${f.ratio.toFixed(2)}${spread}`;
}

export function formatTable(figures: Array<Figure & { benchmark: string }>): string {
  const header = ['figure', 'value', 'baseline', 'ratio (min–max, n)', 'goal', 'met'];
  const rows = figures.map((f) => [
    `${f.benchmark}: ${f.name}`,
    withUnit(f.value, f.unit) + (f.ratio === undefined && f.spread ? ` (${number(f.spread[0])}–${number(f.spread[1])})` : ''),
    withUnit(f.baseline, f.unit),
    ratioCell(f),
    f.goal,
    f.goal === 'reported' ? '' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
