/** The JSON tree: rows from the model drawn by the virtual list, mouse and keyboard navigation. */
import { el } from './dom';
import { followableReference, isHttpUrl } from './fhir';
import { isContainer, type JsonTreeModel, type TreeNode } from './model';
import { previewText, resourceHint, valueKind } from './rowText';
import { leafText } from './search';
import { VirtualList } from './virtualList';

export const rowHeight = 22;

export interface TreeViewEvents {
  onSelect(node: TreeNode): void;
  onReference(reference: string): void;
  onUrl(url: string): void;
}

export class TreeView {
  readonly list: VirtualList;
  selected = 0;
  highlight: RegExp | undefined;
  currentMatch: TreeNode | undefined;

  constructor(
    private readonly model: JsonTreeModel,
    private readonly events: TreeViewEvents,
  ) {
    this.list = new VirtualList('tree', rowHeight, (i, row) => this.renderRow(i, row));
    const root = this.list.element;
    root.tabIndex = 0;
    root.setAttribute('role', 'tree');
    root.setAttribute('aria-label', 'JSON document');
    root.addEventListener('click', (e) => this.onClick(e));
    root.addEventListener('keydown', (e) => this.onKey(e));
  }

  refresh(): void {
    this.list.setCount(this.model.rowCount);
  }

  select(index: number): void {
    const last = this.model.rowCount - 1;
    this.selected = Math.max(0, Math.min(last, index));
    this.list.scrollIntoView(this.selected);
    this.events.onSelect(this.model.row(this.selected) ?? this.model.root);
  }

  selectedNode(): TreeNode {
    return this.model.row(this.selected) ?? this.model.root;
  }

  private renderRow(index: number, row: HTMLElement): void {
    const node = this.model.row(index);
    if (!node) return;
    row.textContent = '';
    row.dataset.index = String(index);
    row.setAttribute('role', 'treeitem');
    row.setAttribute('aria-level', String(node.depth + 1));
    row.setAttribute('aria-selected', String(index === this.selected));
    row.classList.toggle('selected', index === this.selected);
    row.classList.toggle('current-match', node === this.currentMatch);
    row.style.paddingLeft = `${node.depth * 14 + 4}px`;
    const container = isContainer(node.value);
    if (container) row.setAttribute('aria-expanded', String(node.expanded));
    else row.removeAttribute('aria-expanded');
    row.append(
      el(
        'span',
        container ? `twisty ${node.expanded ? 'open' : 'closed'}` : 'twisty',
        container ? (node.expanded ? '▾' : '▸') : '',
      ),
    );
    if (node.key !== undefined) {
      const key = el('span', typeof node.key === 'number' ? 'key index' : 'key', String(node.key));
      if (typeof node.key === 'string' && this.matches(node.key)) key.classList.add('match');
      row.append(key, el('span', 'colon', ': '));
    }
    row.append(this.valueSpan(node));
    if (container && !node.expanded) {
      const hint = resourceHint(node.value);
      if (hint) row.append(el('span', 'hint', hint));
    }
  }

  private valueSpan(node: TreeNode): HTMLElement {
    const kind = valueKind(node.value);
    const span = el('span', `value ${kind}`, previewText(node.value));
    if (isContainer(node.value)) return span;
    if (this.matches(leafText(node.value))) span.classList.add('match');
    const reference = followableReference(node.key, node.value);
    if (reference) {
      span.classList.add('link');
      span.dataset.reference = reference;
      span.title = `Open ${reference}`;
    } else if (isHttpUrl(node.value)) {
      span.classList.add('link');
      span.dataset.url = node.value;
      span.title = `Open ${node.value} (asks first)`;
    }
    return span;
  }

  private matches(text: string): boolean {
    return this.highlight !== undefined && this.highlight.test(text);
  }

  private rowIndexOf(target: EventTarget | null): number {
    const row = (target as HTMLElement | null)?.closest<HTMLElement>('.vrow');
    return row?.dataset.index === undefined ? -1 : Number(row.dataset.index);
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const index = this.rowIndexOf(target);
    if (index < 0) return;
    if (target.dataset.reference) this.events.onReference(target.dataset.reference);
    else if (target.dataset.url) this.events.onUrl(target.dataset.url);
    else if (target.classList.contains('twisty')) this.toggle(index);
    this.select(index);
  }

  private toggle(index: number): void {
    if (this.model.toggle(index)) this.refresh();
  }

  private onKey(e: KeyboardEvent): void {
    const node = this.selectedNode();
    const moves: Record<string, () => void> = {
      ArrowDown: () => this.select(this.selected + 1),
      ArrowUp: () => this.select(this.selected - 1),
      PageDown: () => this.select(this.selected + this.list.pageSize()),
      PageUp: () => this.select(this.selected - this.list.pageSize()),
      Home: () => this.select(0),
      End: () => this.select(this.model.rowCount - 1),
      ArrowRight: () => {
        if (isContainer(node.value) && !node.expanded) this.toggle(this.selected);
        else if (node.expanded) this.select(this.selected + 1);
      },
      ArrowLeft: () => {
        if (node.expanded) this.toggle(this.selected);
        else if (node.parent) this.select(this.model.indexOf(node.parent));
      },
      Enter: () => this.activate(node),
      ' ': () => this.toggle(this.selected),
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    move();
    this.list.render();
  }

  /** Enter follows a link, or opens and closes a container. */
  private activate(node: TreeNode): void {
    const reference = followableReference(node.key, node.value);
    if (reference) this.events.onReference(reference);
    else if (isHttpUrl(node.value)) this.events.onUrl(node.value);
    else this.toggle(this.selected);
  }
}
