import type { Database } from '@df/db';
import type { OutcomeInput } from '@df/service-runtime';
import type { Kysely } from 'kysely';
import type { MessagingRoute } from './domain/routes.ts';
import type { RelayTools } from './tools.ts';

export interface RelayConfig {
  /**
   * The tenant the registry and the mappings are kept under: the GHL location this relay serves. The tools name
   * one person's tenant differently (texting account, Aloware company, GHL location), and consent must hold
   * across all of them.
   */
  tenant: string;
  /** The reply a HELP / INFO text gets on the texting channel; null sends none. */
  helpReply: string | null;
  /**
   * Cut-over: the source tenants (texting accounts, Aloware companies) whose tool still writes its texts into GHL
   * itself. Their inbound texts are not imported (`skipped: cut_over_pending`), so none appears twice; consent
   * and agent sends are handled for them as for every tenant.
   */
  cutOverPendingTenants: readonly string[];
  /** Routing rules: agents' texts they match go through Aloware instead of the texting system (none: texting). */
  routes?: readonly MessagingRoute[];
  /** The Aloware line (E.164) HELP replies to Aloware texts, and rules naming no line, send from. */
  alowareFrom?: string | null;
}

export interface RelayDeps {
  db: Kysely<Database>;
  tools: RelayTools;
  config: RelayConfig;
  report: (
    cause: { id: string; correlationId: string; tenant: string },
    outcome: OutcomeInput,
  ) => Promise<unknown>;
}
