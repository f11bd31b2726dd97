import { stackConfig } from './config.ts';
import { StackError } from './processes.ts';
import { type ServerStatus, stackDown, stackStatus, stackUp } from './stack.ts';

function print(statuses: ServerStatus[]) {
  for (const s of statuses) {
    const extra = [
      s.pid ? `pid ${s.pid}` : '',
      s.readyMs !== undefined ? `ready in ${(s.readyMs / 1000).toFixed(1)} s` : '',
    ]
      .filter(Boolean)
      .join(', ');
    console.log(`${s.name.padEnd(9)} ${s.state.padEnd(9)} ${s.address}${extra ? `  (${extra})` : ''}`);
  }
}

const usage = 'usage: npm run stack -- up | down | status';
const verb = process.argv[2];
const config = stackConfig();
// Production runs against the platform's servers: a local Kafka or registry there would be a silent split brain.
if (verb === 'up' && config.production) {
  console.error('stack: refusing to start a local Kafka and registry with DF_MODE=production');
  process.exit(1);
}
try {
  if (verb === 'up') print(await stackUp(config));
  else if (verb === 'down') {
    const stopped = await stackDown(config);
    console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing this stack started is running');
  } else if (verb === 'status') {
    const statuses = await stackStatus(config);
    print(statuses);
    process.exitCode = statuses.every((s) => s.state !== 'stopped') ? 0 : 3;
  } else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (error) {
  if (!(error instanceof StackError)) throw error;
  console.error(`stack: ${error.message}`);
  process.exitCode = 1;
}
