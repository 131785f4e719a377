// Progress messages: edits are rate-limited on every platform, and only the newest state matters.

/**
 * Applies the newest value only, one at a time and at most once per `gapMs`; `flush` applies a final
 * value at once and resolves when it is shown.
 */
export class LatestOnly<T> {
  private next: T | null = null;
  private loop: Promise<void> | null = null;
  private last = 0;
  private wake: (() => void) | null = null;

  constructor(
    private readonly apply: (value: T) => Promise<void>,
    private readonly gapMs: number,
  ) {}

  push(value: T): void {
    this.next = value;
    this.kick();
  }

  async flush(value: T): Promise<void> {
    this.next = value;
    this.last = 0;
    this.wake?.();
    this.kick();
    while (this.loop) await this.loop;
  }

  private kick(): void {
    this.loop ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      await this.drainAll();
    } finally {
      this.loop = null;
      // A value pushed after the last look at `next` starts the next round.
      if (this.next !== null) this.kick();
    }
  }

  private async drainAll(): Promise<void> {
    while (this.next !== null) {
      const wait = this.last + this.gapMs - Date.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
      const value = this.next;
      if (value === null) break;
      this.next = null;
      this.last = Date.now();
      await this.apply(value).catch(() => {});
    }
  }
}
