/** A fixed-row-height list that keeps only the rows in view in the DOM. */
import { el } from './dom';
import { computeWindow, scrollTopFor } from './viewport';

export type RowRenderer = (index: number, row: HTMLElement) => void;

export class VirtualList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private count = 0;
  private frame = 0;

  constructor(
    className: string,
    private readonly rowHeight: number,
    private readonly renderRow: RowRenderer,
    private readonly rowTag: 'div' | 'tr' = 'div',
  ) {
    this.element = el('div', `vlist ${className}`);
    this.spacer = el('div', 'vlist-spacer');
    this.layer = el('div', 'vlist-layer');
    this.element.append(this.spacer, this.layer);
    this.element.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  setCount(count: number): void {
    this.count = count;
    this.render();
  }

  /** Redraws the rows in view right away (after a model change). */
  render(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const win = computeWindow(this.element.scrollTop, this.element.clientHeight || 600, this.count, this.rowHeight);
    this.spacer.style.height = `${win.totalHeight}px`;
    this.layer.style.transform = `translateY(${win.offsetTop}px)`;
    const n = win.last - win.first;
    while (this.pool.length < n) {
      const row = el(this.rowTag, 'vrow');
      this.pool.push(row);
      this.layer.append(row);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i];
      row.hidden = i >= n;
      if (i < n) this.renderRow(win.first + i, row);
    }
  }

  /** Scrolls just enough to show `index` (no movement when it is already in view). */
  scrollIntoView(index: number): void {
    const height = this.element.clientHeight || 600;
    const win = computeWindow(this.element.scrollTop, height, this.count, this.rowHeight);
    const fullyVisible = win.last - 2;
    if (index < win.first || index > fullyVisible) {
      const target = index < win.first ? index : Math.max(0, index - Math.floor(height / this.rowHeight) + 2);
      this.element.scrollTop = scrollTopFor(target, height, this.count, this.rowHeight);
    }
    this.render();
  }

  /** How many rows a page (PageUp/PageDown) moves. */
  pageSize(): number {
    return Math.max(1, Math.floor((this.element.clientHeight || 600) / this.rowHeight) - 1);
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }
}
