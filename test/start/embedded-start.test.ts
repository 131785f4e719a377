// The embedded start on a fresh machine: PGlite in DATA_DIR, migrations, a generated token, the demo
// workspace, health, and a clean stop. A restart keeps the token and does not seed twice.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { start } from '../../src/main.js';

const dataDir = mkdtempSync(join(tmpdir(), 'ordermate-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('embedded start', () => {
  it('answers /healthz and serves the demo orders with the printed token; a restart keeps both', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
    const first = await start(config);
    const banner = log.mock.calls.map((c) => String(c[0])).join('\n');
    try {
      const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
      expect(banner).toContain(token);
      expect(banner).toMatch(/slack\s+off/);
      expect(banner).toMatch(/demo\s+seeded a demo workspace/);

      expect(await (await fetch(`${first.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${first.url}/readyz`)).json()).toEqual({ status: 'ready' });
      const unauthorised = await fetch(`${first.url}/api/v1/orders`);
      expect(unauthorised.status).toBe(401);
      const orders = await fetch(`${first.url}/api/v1/orders?limit=200`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(orders.status).toBe(200);
      const body = (await orders.json()) as {
        items: { isDemo: boolean; stage: string; channelName: string }[];
      };
      expect(body.items.length).toBeGreaterThanOrEqual(24);
      expect(body.items.every((o) => o.isDemo && o.channelName.includes('demo'))).toBe(true);
      const stages = new Set(body.items.map((o) => o.stage));
      for (const stage of ['unmatched', 'intake', 'processing', 'shipping', 'closed', 'held'])
        expect(stages).toContain(stage);
    } finally {
      await first.stop();
    }

    log.mockClear();
    const second = await start(config);
    try {
      const banner2 = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(banner2).not.toMatch(/seeded a demo workspace/);
      expect(second.apiToken).toBe(first.apiToken);
      const summary = await fetch(`${second.url}/api/v1/orders/summary`, {
        headers: { authorization: `Bearer ${second.apiToken}` },
      });
      const counts = (await summary.json()) as { byStage: Record<string, number> };
      expect(Object.values(counts.byStage).reduce((a, b) => a + b, 0)).toBe(49);
    } finally {
      await second.stop();
      log.mockRestore();
    }
  }, 180_000); // opens a file-backed PGlite twice and seeds the demo: slow on a busy 2-core machine

  it('with DATABASE_URL and no API_TOKEN the API is off and says how to turn it on', async () => {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) return; // needs a real Postgres; runs in the Postgres pass of CI
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    const started = await start(loadConfig({ DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'silent' }));
    try {
      const banner = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(banner).toMatch(/api\s+off/);
      const res = await fetch(`${started.url}/api/v1/orders`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('API_OFF');
      expect(banner).not.toMatch(/seeded a demo workspace/);
    } finally {
      await started.stop();
      log.mockRestore();
    }
  });
});
