// The progress updater: only the newest value is shown, one edit at a time, the final one always.
import { describe, expect, it } from 'vitest';
import { LatestOnly } from '../../src/bot/core/latest-only.js';

describe('LatestOnly', () => {
  it('skips values overtaken while an edit is in flight, and flush shows the final value', async () => {
    const shown: number[] = [];
    let release: () => void = () => {};
    const updater = new LatestOnly<number>(async (v) => {
      shown.push(v);
      if (v === 1) await new Promise<void>((r) => (release = r));
    }, 0);
    updater.push(1);
    updater.push(2);
    updater.push(3);
    const final = updater.flush(4);
    release();
    await final;
    expect(shown).toEqual([1, 4]);
  });

  it('keeps going after an edit fails, and a value pushed after the last round still shows', async () => {
    const shown: number[] = [];
    const updater = new LatestOnly<number>(async (v) => {
      shown.push(v);
      if (v === 1) throw new Error('rate limited');
    }, 0);
    updater.push(1);
    await updater.flush(2);
    updater.push(3);
    await updater.flush(5);
    expect(shown).toEqual([1, 2, 3, 5]);
  });

  it('holds progress back for the gap between edits, but never the final value', async () => {
    const shown: number[] = [];
    const updater = new LatestOnly<number>(async (v) => {
      shown.push(v);
    }, 3_600_000);
    updater.push(1);
    updater.push(2);
    // Within the hour-long gap 2 waits; the final value wakes the updater (else this would time out).
    await updater.flush(3);
    expect(shown).toEqual([1, 3]);
  });
});
