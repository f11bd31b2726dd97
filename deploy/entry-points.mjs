/**
 * What `npm run build` bundles into dist/ and what the image runs by name (`docker run df-middleware
 * contact-sync`): the services, the console, provisioning and the operator CLIs.
 */
export const ENTRY_POINTS = {
  ingress: 'services/ingress/src/main.ts',
  'contact-sync': 'services/contact-sync/src/main.ts',
  'call-sync': 'services/call-sync/src/main.ts',
  'list-sync': 'services/list-sync/src/main.ts',
  'messaging-relay': 'services/messaging-relay/src/main.ts',
  audit: 'services/audit/src/main.ts',
  replay: 'services/replay/src/main.ts',
  backfill: 'services/backfill/src/main.ts',
  console: 'services/console/src/main.ts',
  provision: 'packages/service-runtime/src/provision-cli.ts',
  migrate: 'packages/db/src/cli.ts',
  dlq: 'packages/service-runtime/src/dead-letters-cli.ts',
  parked: 'packages/service-runtime/src/parked-cli.ts',
  spool: 'services/ingress/src/spool-cli.ts',
  lists: 'services/list-sync/src/lists-cli.ts',
  'replay-cli': 'services/replay/src/cli.ts',
  'backfill-cli': 'services/backfill/src/cli/backfill-cli.ts',
  reconcile: 'services/backfill/src/cli/reconcile-cli.ts',
};
