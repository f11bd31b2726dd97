/** What the global setup hands to every test file through vitest's `inject`. */
declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    schemaRegistryUrl: string;
    databaseUrl: string;
    /** The migrated database each test database is cloned from. */
    templateDatabase: string;
  }
}
