import { loadOrExit } from '@df/env';
import { createLogger } from '@df/telemetry';
import { loadProvisionSettings, provisionAll } from './provisioning.ts';

/** `npm run provision`: database, migrations, topics and schemas, before the services start. */
const settings = loadOrExit('provision', () => loadProvisionSettings(process.env));
const log = createLogger({ service: 'provision' }, { level: settings.infrastructure.logLevel });
const report = await provisionAll(settings, log);
for (const name of report.migrations) console.log(`migration applied: ${name}`);
for (const topic of report.topicsCreated) console.log(`topic created: ${topic}`);
console.log(
  `provisioned: ${report.migrations.length} migrations applied, ${report.topicsCreated.length} topics created, schemas registered`,
);
