// The image's entry point: `node deploy/service.mjs <name> [args…]` runs dist/<name>.js, one of
// deploy/entry-points.mjs (a service, `provision`, or an operator CLI such as `dlq list contact-sync`).
import { ENTRY_POINTS } from './entry-points.mjs';

const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in ENTRY_POINTS)) {
  console.error(`usage: <${Object.keys(ENTRY_POINTS).join(' | ')}> [arguments]`);
  process.exit(2);
}
// The CLIs read their own arguments from argv[2…], as under `npm run <cli> -- …`.
process.argv = [process.argv[0], name, ...rest];
await import(`../dist/${name}.js`);
