/** Deterministic pseudo-random numbers: the same (seed, keys) always yields the same sequence. */

/** FNV-1a over the key parts, so any mix of numbers and strings seeds a stream. */
export function hashKeys(...keys: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const key of keys) {
    const text = String(key);
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x7c; // separator, so ("ab","c") and ("a","bc") differ
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private state: number;

  constructor(...keys: Array<string | number>) {
    this.state = hashKeys(...keys) || 1;
  }

  /** mulberry32: fast, good enough for synthetic data. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  digits(count: number): string {
    return String(Math.floor(this.next() * 10 ** count)).padStart(count, '0');
  }

  /** A version-4-shaped UUID drawn from this stream. */
  uuid(): string {
    const word = () =>
      Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    const a = word();
    const b = word();
    const c = word();
    const d = word();
    const variant = '89ab'[c.charCodeAt(0) & 3];
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
