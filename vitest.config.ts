import { configDefaults, defineConfig } from 'vitest/config';

const ALL = ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'];
// `*.unit.test.ts`: touches no Kafka, registry or Postgres (simulators and child processes are fine), so it runs
// without the stack. A stack test misnamed so fails loudly: the stack's settings are provided only to `stack`.
const UNIT = ALL.map((pattern) => pattern.replace(/\.test\.ts$/, '.unit.test.ts'));

export default defineConfig({
  test: {
    // A whole system per end-to-end test starts a dozen consumers: on two cores, time bounds here are generous
    // and files run one at a time, so no test's timing depends on what another file is doing (tests assert
    // behaviour, never speed).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    // CI reads the counts from vitest's JSON report (see .ci/run); people read the default one.
    reporters: process.env.VITEST_JSON_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.VITEST_JSON_REPORT ? { json: process.env.VITEST_JSON_REPORT } : undefined,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ALL,
          exclude: [...configDefaults.exclude, ...UNIT],
          // Brings the real stack up when it is not running, and prepares a migrated template database.
          globalSetup: ['packages/test-kit/src/global-setup.ts'],
        },
      },
    ],
  },
});
