import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: two forked workers. Each worker opens its own database (see test/support/db.ts).
    pool: 'forks',
    // One process per worker for the whole run, so each worker opens its database once (PGlite costs
    // seconds and ~700 MB to open). Test files must therefore restore any spies and globals they touch.
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
