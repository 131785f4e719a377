// Configuration: defaults on a fresh machine, and one clear line for a bad value.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('starts with nothing set: embedded database, local HTTP, default approval policy', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config).toMatchObject({
      DATA_DIR: './data',
      HOST: '127.0.0.1',
      PORT: 3000,
      SEED_DEMO: true,
      DEFAULT_ROLE: 'operator',
      APPROVAL_REQUIRED: ['delete', 'export', 'batch_next'],
      DEFAULT_LOCALE: 'ko',
      TZ: 'Asia/Seoul',
      DIGEST_CRON: '0 9 * * 1-5',
      COLLECT_CRON: null,
      COLLECT_ACCOUNTS: [],
      COLLECT_DAYS: 2,
      EXPIRY_CRON: '*/5 * * * *',
    });
  });

  it('reads the schedules: cron expressions, off, and the accounts to collect', () => {
    const config = loadConfig({ DIGEST_CRON: 'off', COLLECT_CRON: '0 * * * *', COLLECT_ACCOUNTS: '3, 5' });
    expect(config).toMatchObject({ DIGEST_CRON: null, COLLECT_CRON: '0 * * * *', COLLECT_ACCOUNTS: [3, 5] });
  });

  it('reads lists and flags', () => {
    const config = loadConfig({
      ADMIN_USERS: 'slack:T1:U1, console',
      SEED_DEMO: 'false',
      APPROVAL_REQUIRED: '',
    });
    expect(config.ADMIN_USERS).toEqual(['slack:T1:U1', 'console']);
    expect(config.SEED_DEMO).toBe(false);
    expect(config.APPROVAL_REQUIRED).toEqual([]);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Configuration error: PORT /],
    [{ DATABASE_URL: 'mysql://x' }, /^Configuration error: DATABASE_URL must be a postgres:\/\/ URL/],
    [{ DEFAULT_ROLE: 'boss' }, /^Configuration error: DEFAULT_ROLE /],
    [{ APPROVAL_REQUIRED: 'delete,launch' }, /APPROVAL_REQUIRED unknown action "launch"/],
    [{ API_TOKEN: 'short' }, /API_TOKEN must be at least 16 characters/],
    [{ ORDERMATE_SECRET_KEY: 'nothex' }, /ORDERMATE_SECRET_KEY must be 64 hex characters/],
    [
      { DIGEST_CRON: 'weekdays at nine' },
      /DIGEST_CRON must be a cron expression like `0 9 \* \* 1-5`, or off/,
    ],
    [{ COLLECT_ACCOUNTS: 'naver' }, /COLLECT_ACCOUNTS must be account ids/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('npm start with a bad value prints one line and exits 1, before touching any database', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: 'eighty', DATA_DIR: '/nonexistent/never-created' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Configuration error: PORT /)]);
  });
});
