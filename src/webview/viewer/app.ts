/** The viewer page: parses a document once and wires the header, FHIR overview, toolbar, tree and raw view. */
import type { DocumentMessage, RenderSummary, ViewerRestoreState, WebviewToHost } from '../../viewer/protocol';
import { button, el } from './dom';
import { bundleEntries, envelopeErrors, resourceType, summarizeResource } from './fhir';
import { parseDocument } from './lazyJson';
import { JsonTreeModel, pathOf, type TreeNode } from './model';
import { bundleTable, envelopeErrorList, requestHeader, summaryCard } from './overview';
import { toFhirPath, toJsonPath } from './paths';
import { RawView } from './rawView';
import { copyText } from './rowText';
import { SearchBar } from './searchBar';
import { TreeView } from './treeView';

export interface HostLink {
  post(message: WebviewToHost): void;
  setState(state: ViewerRestoreState): void;
}

/** Documents below this size open three levels deep; bigger ones two (root and its children's children). */
const deepOpenLimit = 1024 * 1024;

export class ViewerApp {
  model: JsonTreeModel | undefined;
  tree: TreeView | undefined;
  search: SearchBar | undefined;
  private raw: RawView | undefined;
  private wrap = false;
  private detail: HTMLElement | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: HostLink,
  ) {
    this.bindShortcuts();
  }

  /**
   * What the page shows until the document arrives: a title, and the toolbar and a tree row laid out but
   * hidden, so that the styles and fonts the document's first screen needs are ready before it comes.
   */
  showLoading(): void {
    this.root.textContent = '';
    const header = el('header', 'request');
    header.append(el('h1', 'title', 'Loading…'));
    const bar = el('div', 'toolbar');
    const search = el('input', 'search-input');
    search.type = 'search';
    bar.append(el('select', 'level'), el('button', 'tool', 'Raw'), search, el('span', 'match-count', '0'));
    const row = el('div', 'vrow');
    row.append(
      el('span', 'twisty open', '▾'),
      el('span', 'key', 'resourceType'),
      el('span', 'colon', ': '),
      el('span', 'value string', '"Bundle"'),
      el('span', 'hint', 'Patient/1'),
    );
    const tree = el('div', 'vlist tree');
    tree.append(row);
    for (const hidden of [bar, tree]) hidden.style.visibility = 'hidden';
    this.root.append(header, bar, tree);
    void this.root.offsetHeight; // lays the page out now, while nothing waits for it
  }

  showError(title: string, message: string): void {
    this.root.textContent = '';
    const box = el('section', 'envelope-errors');
    box.setAttribute('role', 'alert');
    box.append(el('h2', undefined, title), el('p', undefined, message));
    this.root.append(box);
  }

  /** Decodes, parses and draws a document; reports what it drew to the host. */
  load(message: DocumentMessage): RenderSummary {
    const started = performance.now();
    // A big document is parsed from its bytes and never decoded as a whole (see lazyJson.ts).
    const bytes = message.bytes;
    const sizeBytes = bytes.byteLength;
    this.host.setState({
      docId: message.docId,
      title: message.title,
      request: message.request,
      source: message.source,
      serverId: message.serverId,
      inlineText: message.keepInline ? new TextDecoder().decode(bytes) : undefined,
    });
    this.root.textContent = '';
    this.root.append(requestHeader(message.title, message.request, sizeBytes));
    let value: unknown;
    try {
      performance.mark('viewer:parse');
      value = parseDocument(bytes);
      performance.measure('viewer:parse', 'viewer:parse');
    } catch (error) {
      const parseError = error instanceof Error ? error.message : String(error);
      this.showParseError(new TextDecoder().decode(bytes), parseError);
      return { docId: message.docId, rows: 0, sizeBytes, envelopeErrors: 0, parseError, renderMs: performance.now() - started };
    }
    const errors = envelopeErrors(value);
    const errorList = envelopeErrorList(errors);
    if (errorList) this.root.append(errorList);
    const entries = bundleEntries(value);
    const summary = summarizeResource(value);
    if (entries) this.root.append(bundleTable(entries, (index) => this.revealPath(['entry', index])));
    else if (summary) this.root.append(summaryCard(summary));

    const model = new JsonTreeModel(value);
    model.expandToLevel(sizeBytes < deepOpenLimit ? 3 : 2);
    this.model = model;
    this.tree = new TreeView(model, {
      onSelect: (node) => this.showDetail(node),
      onReference: (reference) => this.host.post({ type: 'openReference', reference }),
      onUrl: (url) => this.host.post({ type: 'openExternal', url }),
    });
    this.search = new SearchBar(() => value, {
      onMatcher: (matcher) => {
        if (!this.tree) return;
        this.tree.highlight = matcher;
        this.tree.list.render();
      },
      onReveal: (match) => this.revealPath(match.path),
    });
    this.root.append(this.toolbar(value), this.tree.list.element);
    this.detail = el('div', 'detail');
    this.detail.setAttribute('aria-live', 'polite');
    this.root.append(this.detail);
    this.tree.refresh();
    performance.measure('viewer:load', { start: started });
    return {
      docId: message.docId,
      rows: model.rowCount,
      sizeBytes,
      resourceType: resourceType(value),
      bundleEntries: entries?.length,
      envelopeErrors: errors.validation.length + errors.internal.length,
      renderMs: performance.now() - started,
    };
  }

  /** Called once the document is on screen: builds the rows listed lazily (a big Bundle's entries) in slices of a few ms. */
  afterFirstPaint(): void {
    const model = this.model;
    const slice = (): void => {
      if (model && this.model === model && !model.buildSome(4000)) setTimeout(slice, 0);
    };
    slice();
  }

  revealPath(path: Array<string | number>): void {
    if (!this.model || !this.tree) return;
    const index = this.model.reveal(path);
    if (index < 0) return;
    this.tree.currentMatch = this.model.row(index);
    this.tree.refresh();
    this.tree.select(index);
  }

  private showParseError(text: string, parseError: string): void {
    const box = el('section', 'envelope-errors');
    box.setAttribute('role', 'alert');
    box.append(el('h2', undefined, 'Not valid JSON'), el('p', undefined, parseError));
    this.root.append(box, el('pre', 'raw wrap', text.slice(0, 1_000_000)));
  }

  private toolbar(value: unknown): HTMLElement {
    const bar = el('div', 'toolbar');
    bar.setAttribute('role', 'toolbar');
    const level = el('select', 'level');
    level.setAttribute('aria-label', 'Expand to level');
    for (const [label, depth] of [
      ['Level…', -1],
      ['Collapse all', 0],
      ['Level 1', 1],
      ['Level 2', 2],
      ['Level 3', 3],
      ['Level 4', 4],
      ['Expand all', 64],
    ] as const) {
      const option = el('option', undefined, label);
      option.value = String(depth);
      level.append(option);
    }
    level.addEventListener('change', () => {
      const depth = Number(level.value);
      level.value = '-1';
      if (depth < 0 || !this.model || !this.tree) return;
      const { truncated } = this.model.expandToLevel(depth, 2_000_000);
      this.tree.refresh();
      this.tree.select(0);
      if (truncated) this.setDetail('Expanded the first 2,000,000 rows; open deeper parts one at a time.');
    });
    const rawToggle = button('Raw', 'Show the raw JSON text', () => this.toggleRaw(value, rawToggle));
    rawToggle.setAttribute('aria-pressed', 'false');
    const wrapToggle = button('Wrap', 'Word wrap (raw view and details)', () => {
      this.wrap = !this.wrap;
      wrapToggle.setAttribute('aria-pressed', String(this.wrap));
      this.raw?.setWrap(this.wrap);
      this.detail?.classList.toggle('wrap', this.wrap);
    });
    wrapToggle.setAttribute('aria-pressed', 'false');
    const isFhir = resourceType(value) !== undefined;
    const fhirCopy = button('FHIRPath', 'Copy the FHIRPath-style path of the selected row', () => {
      const path = toFhirPath(value, pathOf(this.selected()));
      if (path) this.copy(path, 'FHIRPath');
    });
    fhirCopy.disabled = !isFhir;
    bar.append(
      level,
      rawToggle,
      wrapToggle,
      this.search?.element ?? el('span'),
      button('Copy', 'Copy the selected value', () => this.copy(copyText(this.selected().value), 'value')),
      button('JSONPath', 'Copy the JSONPath of the selected row', () =>
        this.copy(toJsonPath(pathOf(this.selected())), 'JSONPath'),
      ),
      fhirCopy,
      button('Open in Editor', 'Open the document as an untitled JSON editor', () => this.host.post({ type: 'openInEditor' })),
    );
    return bar;
  }

  private selected(): TreeNode {
    return this.tree?.selectedNode() ?? (this.model as JsonTreeModel).root;
  }

  private copy(text: string, what: string): void {
    this.host.post({ type: 'copy', text, what });
  }

  private toggleRaw(value: unknown, toggle: HTMLButtonElement): void {
    if (!this.tree) return;
    this.raw ??= new RawView(value);
    const showRaw = !this.raw.element.isConnected;
    if (showRaw) {
      this.raw.setWrap(this.wrap);
      this.tree.list.element.replaceWith(this.raw.element);
    } else {
      this.raw.element.replaceWith(this.tree.list.element);
      this.tree.refresh();
    }
    toggle.setAttribute('aria-pressed', String(showRaw));
  }

  private showDetail(node: TreeNode): void {
    const path = toJsonPath(pathOf(node));
    const text = typeof node.value === 'object' && node.value !== null ? '' : ` = ${copyText(node.value).slice(0, 100_000)}`;
    this.setDetail(path + text);
  }

  private setDetail(text: string): void {
    if (this.detail) this.detail.textContent = text;
  }

  private bindShortcuts(): void {
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        this.search?.input.focus();
        this.search?.input.select();
      } else if (e.key === 'F3') {
        e.preventDefault();
        this.search?.step(e.shiftKey ? -1 : 1);
      }
    });
  }
}
