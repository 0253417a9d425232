/** A listener registration that can be undone; the same shape as VS Code's Disposable. */
export interface Disposable {
  dispose(): void;
}

/** Subscribe function; the same call shape as VS Code's Event<T>. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** A tiny typed event emitter (VS Code's EventEmitter is not available below src/core). */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // One faulty listener must not stop the others.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
