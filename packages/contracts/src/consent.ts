export type ConsentAction = 'opted_out' | 'opted_in' | 'help_requested';

const KEYWORDS: Record<string, ConsentAction> = {
  STOP: 'opted_out',
  STOPALL: 'opted_out',
  'STOP ALL': 'opted_out',
  OPTOUT: 'opted_out',
  QUIT: 'opted_out',
  END: 'opted_out',
  REVOKE: 'opted_out',
  'OPT OUT': 'opted_out',
  CANCEL: 'opted_out',
  UNSUBSCRIBE: 'opted_out',
  START: 'opted_in',
  UNSTOP: 'opted_in',
  HELP: 'help_requested',
  INFO: 'help_requested',
};

/**
 * The consent keyword an SMS body consists of, if any (architecture guarantee 10). The whole message must be
 * the keyword: "Stop please" is a conversation, not an opt-out. Case, surrounding spaces, inner runs of
 * spaces or a hyphen ("opt-out") and trailing `.`/`!` do not matter.
 */
export function detectConsentKeyword(
  body: string | null | undefined,
): { keyword: string; action: ConsentAction } | null {
  if (!body) return null;
  const keyword = body
    .trim()
    .replace(/[.!]+$/, '')
    .replace(/[\s-]+/g, ' ')
    .toUpperCase();
  const action = KEYWORDS[keyword];
  return action ? { keyword, action } : null;
}
