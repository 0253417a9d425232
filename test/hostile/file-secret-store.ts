/** A SecretStore in one JSON file, replaced by rename on every write (as atomic as VS Code's SecretStorage). */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from '../../src/core';

export class FileSecretStore implements SecretStore {
  constructor(private readonly file: string) {}

  private read(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private write(values: Record<string, string>): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(values));
    renameSync(temp, this.file);
  }

  async get(key: string): Promise<string | undefined> {
    return this.read()[key];
  }

  async store(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
  }

  async delete(key: string): Promise<void> {
    const { [key]: _gone, ...rest } = this.read();
    this.write(rest);
  }
}
