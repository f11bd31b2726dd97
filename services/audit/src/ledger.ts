type LedgerStatus = 'pending' | 'done' | 'error';

/**
 * An event's ledger status, from the outcomes known for it: any failure makes it `error`, any other outcome
 * `done`, none yet `pending`.
 */
export function ledgerStatus(outcomeStatuses: string[]): LedgerStatus {
  if (outcomeStatuses.includes('error')) return 'error';
  return outcomeStatuses.length > 0 ? 'done' : 'pending';
}
