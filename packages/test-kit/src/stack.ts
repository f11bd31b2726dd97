import { randomBytes } from 'node:crypto';

export const TEMPLATE_DATABASE = 'df_test_template';

export function templateDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  return url.toString();
}

/** What `uniqueName` stamps into a name: a base-36 time and 8 hex digits. */
export const UNIQUE_NAME = /-[0-9a-z]{8,9}-[0-9a-f]{8}(?=[.-]|$)/;

/** A name no other test uses: topics, consumer groups, registry subjects, databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
