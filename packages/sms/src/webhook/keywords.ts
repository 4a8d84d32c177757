/**
 * Compliance keywords. Carriers and Twilio's default opt-out handling treat a message that is just
 * one of these words (any case, surrounding spaces and punctuation ignored) as a consent change.
 * Twilio's Advanced Opt-Out adds `OptOutType` (STOP / START / HELP) to the webhook, which wins when
 * present because the account may define its own keywords.
 */

export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
] as const;
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP', 'OPTIN'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

export type KeywordKind = 'opt-out' | 'opt-in' | 'help';

export interface KeywordMatch {
  kind: KeywordKind;
  /** The keyword as the customer wrote it, upper-cased (`STOP`), or Twilio's OptOutType. */
  keyword: string;
}

const OUT = new Set<string>(OPT_OUT_KEYWORDS);
const IN = new Set<string>(OPT_IN_KEYWORDS);
const HELP = new Set<string>(HELP_KEYWORDS);

/** Finds a compliance keyword in a message body, or in Twilio's `OptOutType` parameter. */
export function matchKeyword(body: string | undefined, optOutType?: string): KeywordMatch | undefined {
  const type = optOutType?.trim().toUpperCase();
  const word = (body ?? '')
    .normalize('NFKC')
    .trim()
    .replace(/^[\s"'«“([]+|[\s.!?"'»”)\]]+$/g, '')
    .toUpperCase();
  if (type === 'STOP') return { kind: 'opt-out', keyword: OUT.has(word) ? word : 'STOP' };
  if (type === 'START') return { kind: 'opt-in', keyword: IN.has(word) ? word : 'START' };
  if (type === 'HELP') return { kind: 'help', keyword: HELP.has(word) ? word : 'HELP' };
  if (OUT.has(word)) return { kind: 'opt-out', keyword: word };
  if (IN.has(word)) return { kind: 'opt-in', keyword: word };
  if (HELP.has(word)) return { kind: 'help', keyword: word };
  return undefined;
}
