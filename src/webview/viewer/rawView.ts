/** The raw text view: pretty-printed JSON, a plain <pre> when small, a virtual list of lines when large. */
import { el } from './dom';
import { VirtualList } from './virtualList';

/** Above this many characters the raw view is virtualized by line (and word wrap is off). */
export const rawPreLimit = 2_000_000;

export class RawView {
  readonly element: HTMLElement;
  readonly wrappable: boolean;

  constructor(value: unknown) {
    const text = JSON.stringify(value, null, 2) ?? String(value);
    this.wrappable = text.length <= rawPreLimit;
    if (this.wrappable) {
      this.element = el('pre', 'raw', text);
      this.element.tabIndex = 0;
      return;
    }
    const lines = text.split('\n');
    const list = new VirtualList('raw-lines', 18, (i, row) => {
      row.textContent = lines[i];
    });
    this.element = list.element;
    this.element.tabIndex = 0;
    queueMicrotask(() => list.setCount(lines.length));
  }

  setWrap(wrap: boolean): void {
    this.element.classList.toggle('wrap', wrap && this.wrappable);
  }
}
