/**
 * A minimal stand-in for the `vscode` module, for the explorer benchmark only: just what the tree's nodes and
 * provider touch (TreeItem, icons, EventEmitter, withProgress, getConfiguration), so that getChildren and
 * getTreeItem run in plain Node. Installed before the explorer is imported.
 */
import Module from 'node:module';

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState = 0,
  ) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  value = '';
  appendText(text: string): this {
    this.value += text;
    return this;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}

class EventEmitter<T> {
  private listeners: Array<(value: T) => void> = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

const standIn = {
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  EventEmitter,
  window: { withProgress: <T>(_options: unknown, task: () => Promise<T>) => task() },
  workspace: { getConfiguration: () => ({ get: <T>(_key: string, fallback?: T) => fallback }) },
};

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

export function installVscodeStandIn(): void {
  const loader = Module as unknown as { _load: Loader };
  const original = loader._load;
  loader._load = function load(this: unknown, request, parent, isMain) {
    return request === 'vscode' ? standIn : original.call(this, request, parent, isMain);
  };
}
