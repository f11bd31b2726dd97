export { removeTestArtifacts } from './cleanup.ts';
export {
  alowareDeliveries,
  alowareFixture,
  alowareFixtureFiles,
  FIXTURES_DIR,
  ghlExample,
  ghlExamples,
} from './contract-fixtures.ts';
export {
  createTestDatabase,
  createTestTopics,
  type TestDatabase,
  testCodec,
  testKafka,
  testStack,
} from './fixtures.ts';
export { gate, parseTestEvent, runnerHarness, type TestEvent, type TestOptions } from './runner-harness.ts';
export { uniqueName } from './stack.ts';
export { type WaitOptions, waitFor } from './wait-for.ts';
