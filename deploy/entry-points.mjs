/**
 * What `npm run build` bundles into dist/ and what the image runs by name (`docker run df-middleware
 * contact-sync`): the six services, provisioning and the operator CLIs.
 */
export const ENTRY_POINTS = {
  ingress: 'services/ingress/src/main.ts',
  'contact-sync': 'services/contact-sync/src/main.ts',
  'call-sync': 'services/call-sync/src/main.ts',
  'list-sync': 'services/list-sync/src/main.ts',
  'messaging-relay': 'services/messaging-relay/src/main.ts',
  audit: 'services/audit/src/main.ts',
  provision: 'packages/service-runtime/src/provision-cli.ts',
  migrate: 'packages/db/src/cli.ts',
  dlq: 'packages/service-runtime/src/dead-letters-cli.ts',
  parked: 'packages/service-runtime/src/parked-cli.ts',
  spool: 'services/ingress/src/spool-cli.ts',
  lists: 'services/list-sync/src/lists-cli.ts',
};
