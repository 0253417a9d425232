/** The search box: regex option, match count, next/previous, run in slices over the model. */
import { button, el } from './dom';
import { compileMatcher, searchDocument, type SearchMatch, type SearchProgress } from './search';

export interface SearchBarEvents {
  /** The matcher to highlight rows with (undefined clears it). */
  onMatcher(matcher: RegExp | undefined): void;
  onReveal(match: SearchMatch): void;
}

/** Milliseconds of search work per slice before yielding back to the page. */
const sliceMs = 12;

export class SearchBar {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly regex: HTMLInputElement;
  private readonly count: HTMLElement;
  private progress: SearchProgress | undefined;
  private current = -1;
  private generation = 0;
  private debounce = 0;

  constructor(
    private readonly document: () => unknown,
    private readonly events: SearchBarEvents,
  ) {
    this.element = el('div', 'search');
    this.element.setAttribute('role', 'search');
    this.input = el('input', 'search-input');
    this.input.type = 'search';
    this.input.placeholder = 'Search keys and values';
    this.input.setAttribute('aria-label', 'Search keys and values');
    this.regex = el('input');
    this.regex.type = 'checkbox';
    const regexLabel = el('label', 'regex', '.*');
    regexLabel.title = 'Use regular expression';
    regexLabel.prepend(this.regex);
    this.count = el('span', 'match-count', '');
    this.count.setAttribute('aria-live', 'polite');
    this.element.append(
      this.input,
      regexLabel,
      this.count,
      button('↑', 'Previous match (Shift+Enter)', () => this.step(-1)),
      button('↓', 'Next match (Enter)', () => this.step(1)),
    );
    this.input.addEventListener('input', () => this.schedule());
    this.regex.addEventListener('change', () => this.start());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.step(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        this.input.value = '';
        this.start();
      }
    });
  }

  /** Starts (or restarts) the search for the current query, in slices. */
  start(): void {
    const generation = ++this.generation;
    const query = this.input.value;
    this.progress = undefined;
    this.current = -1;
    this.count.classList.remove('invalid');
    if (query === '') {
      this.count.textContent = '';
      this.events.onMatcher(undefined);
      return;
    }
    let run: Generator<SearchProgress, SearchProgress>;
    try {
      this.events.onMatcher(compileMatcher(query, this.regex.checked));
      run = searchDocument(this.document(), { query, regex: this.regex.checked, chunkSize: 5_000 });
    } catch {
      this.count.textContent = 'invalid regex';
      this.count.classList.add('invalid');
      this.events.onMatcher(undefined);
      return;
    }
    const slice = (): void => {
      if (generation !== this.generation) return; // a newer query replaced this one
      const until = performance.now() + sliceMs;
      let step = run.next();
      while (!step.done && performance.now() < until) step = run.next();
      this.progress = step.value;
      if (this.current < 0 && this.progress.matches.length > 0) this.reveal(0);
      this.showCount();
      if (!step.done) setTimeout(slice, 0);
    };
    slice();
  }

  /** Resolves once the running search has finished (for the benchmark and tests). */
  async finished(): Promise<SearchProgress | undefined> {
    while (this.progress && !this.progress.done) await new Promise((r) => setTimeout(r, 5));
    return this.progress;
  }

  step(direction: 1 | -1): void {
    const stored = this.progress?.matches.length ?? 0;
    if (stored === 0) {
      if (!this.progress) this.start();
      return;
    }
    this.reveal((this.current + direction + stored) % stored);
  }

  private reveal(index: number): void {
    this.current = index;
    const match = this.progress?.matches[index];
    if (match) this.events.onReveal(match);
    this.showCount();
  }

  private showCount(): void {
    const p = this.progress;
    if (!p) return;
    const total = `${p.count}${p.done ? '' : '…'}`;
    this.count.textContent = p.count === 0 ? (p.done ? 'No results' : 'Searching…') : `${this.current + 1} of ${total}`;
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    this.debounce = window.setTimeout(() => this.start(), 150);
  }
}
