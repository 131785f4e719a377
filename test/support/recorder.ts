// The call log the chat fakes (Slack, Discord) keep: every call numbered in order of arrival, and a wait
// for a call the code under test makes later (after an ack, from a queued job), so that a test waits on
// the call itself rather than on a sleep.

export interface RecordedCall {
  /** Order of arrival, from 1. */
  seq: number;
}

export interface WaitOptions<C> {
  /** Only calls with `seq` greater than this (see `mark()`). */
  after?: number;
  match?: (call: C) => boolean;
  timeoutMs?: number;
}

export interface CallRecorder<C extends RecordedCall> {
  /** Every call so far; `clear()` empties it, but `seq` keeps counting so marks stay valid. */
  calls: C[];
  /** Numbers the call, keeps it and wakes the waiters. */
  record(call: Omit<C, 'seq'>): void;
  /** Calls of one name (after a mark, if given). */
  of(name: string, after?: number): C[];
  /** The first call of `name` (after `options.after`) that matches; waits for it up to the timeout. */
  waitFor(name: string, options?: WaitOptions<C>): Promise<C>;
  /** The seq of the last call so far: pass it as `after` to wait for what comes next. */
  mark(): number;
  clear(): void;
}

export interface CallRecorderOptions<C> {
  /** Who speaks in a timeout error, e.g. `fake Slack`. */
  fake: string;
  /** What `of` and `waitFor` select calls by (a Slack method, a Discord route). */
  nameOf: (call: C) => string;
  /** How a timeout error lists a call after its seq. */
  describe: (call: C) => string;
}

export function callRecorder<C extends RecordedCall>(options: CallRecorderOptions<C>): CallRecorder<C> {
  const calls: C[] = [];
  const waiters = new Set<() => void>();
  let seq = 0;

  const find = (name: string, wait: WaitOptions<C>) =>
    calls.find((c) => options.nameOf(c) === name && c.seq > (wait.after ?? 0) && (wait.match?.(c) ?? true));

  return {
    calls,
    record(call) {
      // A generic Omit<C, 'seq'> spread with `seq` is C, but TypeScript cannot prove it for a type parameter.
      calls.push({ ...call, seq: ++seq } as C);
      for (const wake of [...waiters]) wake();
    },
    of: (name, after = 0) => calls.filter((c) => options.nameOf(c) === name && c.seq > after),
    waitFor(name, wait = {}) {
      const found = find(name, wait);
      if (found) return Promise.resolve(found);
      const timeoutMs = wait.timeoutMs ?? 5000;
      return new Promise<C>((resolve, reject) => {
        const wake = () => {
          const call = find(name, wait);
          if (!call) return;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(call);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          const seen = calls.map((c) => `${c.seq}:${options.describe(c)}`).join(', ') || 'none';
          reject(new Error(`${options.fake}: no ${name} call within ${timeoutMs} ms (calls: ${seen})`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    mark: () => seq,
    clear: () => {
      calls.length = 0;
    },
  };
}
