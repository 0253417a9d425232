/**
 * The viewer's row model: a parsed JSON value seen as a lazily expanded tree, flattened into the list
 * of visible rows that the virtual list draws. Pure TypeScript (no DOM) so it is tested in plain Node.
 */

export type PathSegment = string | number;

const notRead = Symbol('notRead');

/**
 * One node of the document. Its value is read from the parent only when something looks at it: with
 * lazily parsed arrays (lazyJson.ts), listing 80k Bundle entries must not parse them all.
 */
export class TreeNode {
  expanded = false;
  /** Built on first expansion only, so a 50 MB document costs nothing until it is opened. */
  children?: TreeNode[];
  private cached: unknown = notRead;

  constructor(
    /** Property name or array index; undefined for the root. */
    readonly key: PathSegment | undefined,
    readonly depth: number,
    readonly parent: TreeNode | undefined,
    rootValue?: unknown,
  ) {
    if (!parent) this.cached = rootValue;
  }

  get value(): unknown {
    if (this.cached === notRead) {
      this.cached = (this.parent?.value as Record<PathSegment, unknown>)[this.key as PathSegment];
    }
    return this.cached;
  }
}

export function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

export function childCount(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (isContainer(value)) return Object.keys(value).length;
  return 0;
}

export function pathOf(node: TreeNode): PathSegment[] {
  const path: PathSegment[] = [];
  for (let n: TreeNode | undefined = node; n && n.key !== undefined; n = n.parent) path.push(n.key);
  return path.reverse();
}

function childrenOf(node: TreeNode): TreeNode[] {
  if (node.children) return node.children;
  const { value } = node;
  const depth = node.depth + 1;
  const children: TreeNode[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) children.push(new TreeNode(i, depth, node));
  } else if (isContainer(value)) {
    for (const key of Object.keys(value)) children.push(new TreeNode(key, depth, node));
  }
  node.children = children;
  return children;
}

export class JsonTreeModel {
  readonly root: TreeNode;
  /** The visible rows, in display order. The root is row 0. */
  rows: TreeNode[];

  constructor(value: unknown) {
    this.root = new TreeNode(undefined, 0, undefined, value);
    this.rows = [this.root];
  }

  indexOf(node: TreeNode): number {
    return this.rows.indexOf(node);
  }

  /** Opens or closes the container at a row; returns false when the row holds a leaf. */
  toggle(index: number): boolean {
    const node = this.rows[index];
    if (!node || !isContainer(node.value)) return false;
    if (node.expanded) this.collapseAt(index);
    else this.expandAt(index);
    return true;
  }

  expandAt(index: number): void {
    const node = this.rows[index];
    if (!node || node.expanded || !isContainer(node.value)) return;
    node.expanded = true;
    const inserted: TreeNode[] = [];
    appendVisibleChildren(node, inserted, Number.POSITIVE_INFINITY);
    // concat, not splice(...spread): a 100k-item array would overflow the argument limit
    this.rows = this.rows.slice(0, index + 1).concat(inserted, this.rows.slice(index + 1));
  }

  collapseAt(index: number): void {
    const node = this.rows[index];
    if (!node || !node.expanded) return;
    node.expanded = false;
    let end = index + 1;
    while (end < this.rows.length && this.rows[end].depth > node.depth) end++;
    this.rows.splice(index + 1, end - index - 1);
  }

  /**
   * Expands every container above `level` (the root is level 0) and collapses the rest, deeper parts
   * included: opening a node afterwards shows its children closed. Stops adding rows at `maxRows` so
   * "expand all" on a huge document cannot freeze the page; returns whether it did.
   */
  expandToLevel(level: number, maxRows = 1_000_000): { truncated: boolean } {
    const rows: TreeNode[] = [];
    let truncated = false;
    const stack: TreeNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as TreeNode;
      if (rows.length >= maxRows) {
        truncated = true;
        collapseSubtree(node);
        continue;
      }
      rows.push(node);
      node.expanded = node.depth < level && isContainer(node.value) && childCount(node.value) > 0;
      if (!node.expanded) {
        collapseSubtree(node);
        continue;
      }
      const children = childrenOf(node);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    this.rows = rows;
    return { truncated };
  }

  collapseAll(): void {
    this.expandToLevel(0);
  }

  /** The node at a path, or undefined when the path does not exist in the document. */
  nodeAt(path: readonly PathSegment[]): TreeNode | undefined {
    let node: TreeNode = this.root;
    for (const segment of path) {
      if (!isContainer(node.value)) return undefined;
      const children = childrenOf(node);
      const next = Array.isArray(node.value) ? children[segment as number] : children.find((c) => c.key === segment);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  /** Expands the ancestors of a path so it becomes a visible row; returns that row's index or -1. */
  reveal(path: readonly PathSegment[]): number {
    const target = this.nodeAt(path);
    if (!target) return -1;
    const chain: TreeNode[] = [];
    for (let n = target.parent; n; n = n.parent) chain.push(n);
    for (let i = chain.length - 1; i >= 0; i--) {
      if (!chain[i].expanded) this.expandAt(this.indexOf(chain[i]));
    }
    return this.indexOf(target);
  }
}

/** Closes a node and every descendant built so far (nodes never built are closed already). */
function collapseSubtree(node: TreeNode): void {
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop() as TreeNode;
    current.expanded = false;
    for (const child of current.children ?? []) if (child.children) stack.push(child);
  }
}

function appendVisibleChildren(node: TreeNode, out: TreeNode[], maxRows: number): void {
  const stack: TreeNode[] = [];
  const children = childrenOf(node);
  for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  while (stack.length > 0 && out.length < maxRows) {
    const current = stack.pop() as TreeNode;
    out.push(current);
    if (!current.expanded) continue;
    const grand = childrenOf(current);
    for (let i = grand.length - 1; i >= 0; i--) stack.push(grand[i]);
  }
}
