/**
 * `npm run simulators`: the three simulators on their default ports (GHL 4010, Aloware 4020, texting 4030),
 * each printing its URL and the credentials it generated. Configure each through its own environment
 * variables (see ghl/cli.ts, aloware/main.ts, texting/main.ts).
 */
import { loadOrExit } from '@df/env';
import { checkSimulatorsEnv } from './config.ts';

// Every simulator's settings are checked before the first one starts (each then reads its own part).
loadOrExit('simulators', () => checkSimulatorsEnv(process.env));
await import('./ghl/cli.ts');
await import('./aloware/main.ts');
await import('./texting/main.ts');
