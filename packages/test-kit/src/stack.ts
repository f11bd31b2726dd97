import { randomBytes } from 'node:crypto';

export const TEMPLATE_DATABASE = 'df_test_template';

export function templateDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  return url.toString();
}

/** A name no other test uses: topics, consumer groups, registry subjects, databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
