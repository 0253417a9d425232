/** What sits above the tree: the request header, the envelope's errors, a FHIR card or Bundle table. */
import type { RequestInfo } from '../../viewer/protocol';
import { el, formatBytes } from './dom';
import { bundleRow, type ResourceSummary } from './fhir';
import { VirtualList } from './virtualList';

export function requestHeader(title: string, request: RequestInfo | undefined, sizeBytes: number): HTMLElement {
  const header = el('header', 'request');
  header.append(el('h1', 'title', title));
  const line = el('div', 'request-line');
  if (request) {
    const statusClass = request.status >= 400 ? 'status error' : request.status >= 300 ? 'status warn' : 'status ok';
    line.append(
      el('span', 'method', request.method),
      el('span', 'url', request.url),
      el('span', statusClass, String(request.status)),
      el('span', 'time', `${Math.round(request.timeMs)} ms`),
      el('span', 'size', formatBytes(request.sizeBytes)),
    );
  } else {
    line.append(el('span', 'size', formatBytes(sizeBytes)));
  }
  header.append(line);
  return header;
}

export function envelopeErrorList(errors: { validation: string[]; internal: string[] }): HTMLElement | undefined {
  if (errors.validation.length + errors.internal.length === 0) return undefined;
  const box = el('section', 'envelope-errors');
  box.setAttribute('role', 'alert');
  const group = (label: string, lines: string[]): void => {
    if (lines.length === 0) return;
    box.append(el('h2', undefined, `${label} (${lines.length})`));
    const ul = el('ul');
    for (const line of lines) ul.append(el('li', undefined, line));
    box.append(ul);
  };
  group('Validation errors', errors.validation);
  group('Internal errors', errors.internal);
  return box;
}

export function summaryCard(summary: ResourceSummary): HTMLElement {
  const card = el('section', 'card');
  card.append(el('div', 'card-type', summary.resourceType), el('h2', 'card-title', summary.title));
  const dl = el('dl');
  for (const [label, value] of summary.fields) dl.append(el('dt', undefined, label), el('dd', undefined, value));
  card.append(dl);
  return card;
}

const tableRowHeight = 22;

/** The Bundle's entries as a table (virtualized too: a 50 MB Bundle has tens of thousands of rows). */
export function bundleTable(entries: unknown[], onPick: (index: number) => void): HTMLElement {
  const section = el('section', 'bundle');
  section.append(el('h2', undefined, `Bundle: ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`));
  const head = el('div', 'bundle-row bundle-head');
  head.append(
    el('span', 'col-index', '#'),
    el('span', 'col-type', 'Type'),
    el('span', 'col-id', 'Id'),
    el('span', 'col-display', 'Display'),
  );
  const list = new VirtualList('bundle-list', tableRowHeight, (i, row) => {
    const entry = bundleRow(entries[i], i);
    row.textContent = '';
    row.className = 'vrow bundle-row';
    row.dataset.index = String(i);
    row.append(
      el('span', 'col-index', String(entry.index)),
      el('span', 'col-type', entry.type),
      el('span', 'col-id', entry.id),
      el('span', 'col-display', entry.display),
    );
  });
  list.element.style.height = `${Math.min(entries.length, 8) * tableRowHeight + 2}px`;
  list.element.setAttribute('role', 'table');
  list.element.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.bundle-row');
    if (row?.dataset.index !== undefined) onPick(Number(row.dataset.index));
  });
  section.append(head, list.element);
  queueMicrotask(() => list.setCount(entries.length));
  return section;
}
