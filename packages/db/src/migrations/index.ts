import type { Migration } from 'kysely';
import * as seedTables from './20261126T0030_seed_tables.ts';
import * as ingressSpool from './20261126T0100_ingress_spool.ts';
import * as syncLogEventId from './20261126T0130_sync_log_event_id.ts';
import * as contactSyncState from './20261126T0200_contact_sync_state.ts';
import * as callSync from './20261126T0300_call_sync.ts';
import * as ghlOauthConnections from './20261126T0400_ghl_oauth_connections.ts';
import * as ingressAcceptPath from './20261201T1400_ingress_accept_path.ts';
import * as ghlRateBudgets from './20261201T1430_ghl_rate_budgets.ts';
import * as consumerParking from './20261201T1500_consumer_parking.ts';
import * as ingressValuesAsText from './20261201T1510_ingress_values_as_text.ts';
import * as contactSyncPendingEchoes from './20261201T1530_contact_sync_pending_echoes.ts';
import * as contactSyncWriteLease from './20261201T1540_contact_sync_write_lease.ts';
import * as contactMappedFacts from './20261201T1600_contact_mapped_facts.ts';
import * as callSyncContacts from './20261201T1610_call_sync_contacts.ts';
import * as messagingRelay from './20261201T1620_messaging_relay.ts';
import * as listSync from './20261201T1630_list_sync.ts';
import * as messagingRoutesAndDnd from './20261201T1710_messaging_routes_and_dnd.ts';
import * as syncStateTenant from './20261201T1730_sync_state_tenant.ts';
import * as ledgerNaturalKey from './20261201T1830_ledger_natural_key.ts';

/**
 * Every migration, by name. Names start with a UTC timestamp so they sort in the order they were written;
 * a migration is never edited once merged, a change is a new entry.
 */
export const migrations: Record<string, Migration> = {
  '20261126T0030_seed_tables': seedTables,
  '20261126T0100_ingress_spool': ingressSpool,
  '20261126T0130_sync_log_event_id': syncLogEventId,
  '20261126T0200_contact_sync_state': contactSyncState,
  '20261126T0300_call_sync': callSync,
  '20261126T0400_ghl_oauth_connections': ghlOauthConnections,
  '20261201T1400_ingress_accept_path': ingressAcceptPath,
  '20261201T1430_ghl_rate_budgets': ghlRateBudgets,
  '20261201T1500_consumer_parking': consumerParking,
  '20261201T1510_ingress_values_as_text': ingressValuesAsText,
  '20261201T1530_contact_sync_pending_echoes': contactSyncPendingEchoes,
  '20261201T1540_contact_sync_write_lease': contactSyncWriteLease,
  '20261201T1600_contact_mapped_facts': contactMappedFacts,
  '20261201T1610_call_sync_contacts': callSyncContacts,
  '20261201T1620_messaging_relay': messagingRelay,
  '20261201T1630_list_sync': listSync,
  '20261201T1730_sync_state_tenant': syncStateTenant,
  '20261201T1710_messaging_routes_and_dnd': messagingRoutesAndDnd,
  '20261201T1830_ledger_natural_key': ledgerNaturalKey,
};
