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

/** Nodes whose `children` array has holes: only the children something looked at are built (see childAt). */
const partlyBuilt = new WeakSet<TreeNode>();

/** Every child of a container, built on first use (and the missing ones of a partly built array). */
function childrenOf(node: TreeNode): TreeNode[] {
  const depth = node.depth + 1;
  if (node.children) {
    if (partlyBuilt.has(node)) {
      const children = node.children;
      for (let i = 0; i < children.length; i++) children[i] ??= new TreeNode(i, depth, node);
      partlyBuilt.delete(node);
    }
    return node.children;
  }
  const { value } = node;
  const children: TreeNode[] = [];
  if (Array.isArray(value)) {
    // length read once: on a lazily parsed array every read of it goes through the proxy
    const length = value.length;
    for (let i = 0; i < length; i++) children.push(new TreeNode(i, depth, node));
  } else if (isContainer(value)) {
    for (const key of Object.keys(value)) children.push(new TreeNode(key, depth, node));
  }
  node.children = children;
  return children;
}

/** Child `index` of an array node, built alone when the others are not built yet. */
function childAt(node: TreeNode, index: number, length: number): TreeNode {
  if (!node.children) {
    node.children = new Array<TreeNode>(length);
    partlyBuilt.add(node);
  }
  return (node.children[index] ??= new TreeNode(index, node.depth + 1, node));
}

/** Arrays with at least this many closed children are listed as a lazy run (their nodes built when drawn). */
const lazyRunMin = 1000;

/**
 * Rows that are the first `length` children of an array node, all closed, whose nodes are built only when a
 * row is read: opening a 50 MB Bundle two levels deep lists 80k entries without building 80k nodes first.
 */
interface LazyRun {
  /** The row index of the first child. */
  at: number;
  parent: TreeNode;
  length: number;
}

export class JsonTreeModel {
  readonly root: TreeNode;
  /** The rows other than the lazy run's, in display order: rows [0, run.at) then the rows after the run. */
  private listed: TreeNode[];
  private run: LazyRun | undefined;
  /** How many of the run's first nodes buildSome has built. */
  private runBuilt = 0;

  constructor(value: unknown) {
    this.root = new TreeNode(undefined, 0, undefined, value);
    this.listed = [this.root];
  }

  /** How many rows are visible. */
  get rowCount(): number {
    return this.listed.length + (this.run?.length ?? 0);
  }

  /** The visible row at `index` (the root is row 0), or undefined past the end. */
  row(index: number): TreeNode | undefined {
    const run = this.run;
    if (!run || index < run.at) return this.listed[index];
    const offset = index - run.at;
    if (offset < run.length) return childAt(run.parent, offset, run.length);
    return this.listed[index - run.length];
  }

  /** The visible rows, in display order, every node built (tests; the view reads `row(i)`). */
  get rows(): TreeNode[] {
    this.buildRun();
    return this.listed;
  }

  indexOf(node: TreeNode): number {
    const run = this.run;
    if (run && node.parent === run.parent && typeof node.key === 'number' && node.key < run.length) return run.at + node.key;
    const index = this.listed.indexOf(node);
    return run && index >= run.at ? index + run.length : index;
  }

  /** Opens or closes the container at a row; returns false when the row holds a leaf. */
  toggle(index: number): boolean {
    const node = this.row(index);
    if (!node || !isContainer(node.value)) return false;
    if (node.expanded) this.collapseAt(index);
    else this.expandAt(index);
    return true;
  }

  expandAt(index: number): void {
    const node = this.row(index);
    if (!node || node.expanded || !isContainer(node.value)) return;
    this.buildRun();
    node.expanded = true;
    const inserted: TreeNode[] = [];
    appendVisibleChildren(node, inserted, Number.POSITIVE_INFINITY);
    // concat, not splice(...spread): a 100k-item array would overflow the argument limit
    this.listed = this.listed.slice(0, index + 1).concat(inserted, this.listed.slice(index + 1));
  }

  collapseAt(index: number): void {
    const node = this.row(index);
    if (!node || !node.expanded) return;
    this.buildRun();
    node.expanded = false;
    const rows = this.listed;
    let end = index + 1;
    while (end < rows.length && rows[end].depth > node.depth) end++;
    rows.splice(index + 1, end - index - 1);
  }

  /**
   * Builds the next `maxNodes` nodes of the lazy run (those built already are skipped over), and lists the run
   * as ordinary rows once all are built; returns true when no run is left. The page calls it in short slices
   * after the first paint, so that the first toggle or search reveal does not wait for 80k nodes.
   */
  buildSome(maxNodes: number): boolean {
    const run = this.run;
    if (!run) return true;
    const end = Math.min(run.length, this.runBuilt + maxNodes);
    for (let i = this.runBuilt; i < end; i++) childAt(run.parent, i, run.length);
    this.runBuilt = end;
    if (end < run.length) return false;
    this.buildRun();
    return true;
  }

  /** Builds the lazy run's nodes into the row list (before any change that moves rows). */
  private buildRun(): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    const children = childrenOf(run.parent);
    const rows = this.listed;
    this.listed = rows
      .slice(0, run.at)
      .concat(run.length === children.length ? children : children.slice(0, run.length), rows.slice(run.at));
  }

  /**
   * Expands every container above `level` (the root is level 0) and collapses the rest, deeper parts
   * included: opening a node afterwards shows its children closed. Stops adding rows at `maxRows` so
   * "expand all" on a huge document cannot freeze the page; returns whether it did.
   */
  expandToLevel(level: number, maxRows = 1_000_000): { truncated: boolean } {
    const rows: TreeNode[] = [];
    let run: LazyRun | undefined;
    const count = (): number => rows.length + (run?.length ?? 0);
    let truncated = false;
    const stack: TreeNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as TreeNode;
      if (count() >= maxRows) {
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
      if (node.depth + 1 < level) {
        const children = childrenOf(node);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
        continue;
      }
      // The children stay closed: list them in order, without the stack
      const value = node.value;
      const length = Array.isArray(value) ? value.length : 0;
      if (!run && length >= lazyRunMin && (!node.children || partlyBuilt.has(node))) {
        // a lazy run: only the children built before need closing
        node.children?.forEach((child) => collapseSubtree(child));
        run = { at: rows.length, parent: node, length: Math.min(length, maxRows - count()) };
        if (run.length < length) truncated = true;
        continue;
      }
      for (const child of childrenOf(node)) {
        if (count() >= maxRows) truncated = true;
        else rows.push(child);
        collapseSubtree(child);
      }
    }
    this.listed = rows;
    this.run = run;
    this.runBuilt = 0;
    return { truncated };
  }

  collapseAll(): void {
    this.expandToLevel(0);
  }

  /** The node at a path, or undefined when the path does not exist in the document. */
  nodeAt(path: readonly PathSegment[]): TreeNode | undefined {
    let node: TreeNode = this.root;
    for (const segment of path) {
      const { value } = node;
      if (!isContainer(value)) return undefined;
      let next: TreeNode | undefined;
      if (Array.isArray(value)) {
        const length = value.length;
        if (typeof segment === 'number' && Number.isInteger(segment) && segment >= 0 && segment < length) {
          next = childAt(node, segment, length);
        }
      } else next = childrenOf(node).find((c) => c.key === segment);
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
  node.expanded = false;
  if (!node.children) return;
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop() as TreeNode;
    current.expanded = false;
    // a partly built array has holes: forEach skips them
    current.children?.forEach((child) => {
      if (child.children) stack.push(child);
    });
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
