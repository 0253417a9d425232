/** The explorer's settings (`openemr.explorer.*`), read fresh each time they are needed. */
import * as vscode from 'vscode';
import { STANDARD_MAX_LIMIT } from '../core';
import { DEFAULT_DOCUMENT_CATEGORIES } from './catalog';

export interface ExplorerSettings {
  pageSize: number;
  /** Groups the token's scopes cannot read: hidden, or shown disabled with the missing scope in the tooltip. */
  unreadableGroups: 'hide' | 'disable';
  documentCategories: string[];
}

export function readSettings(): ExplorerSettings {
  const config = vscode.workspace.getConfiguration('openemr.explorer');
  const size = Math.floor(config.get<number>('pageSize', 50));
  const categories = config
    .get<string[]>('documentCategories', DEFAULT_DOCUMENT_CATEGORIES)
    .filter((c) => typeof c === 'string' && c.trim());
  return {
    pageSize: Number.isFinite(size) ? Math.min(Math.max(size, 1), STANDARD_MAX_LIMIT) : 50,
    unreadableGroups: config.get<string>('unreadableGroups') === 'hide' ? 'hide' : 'disable',
    documentCategories: categories.length ? categories : DEFAULT_DOCUMENT_CATEGORIES,
  };
}
