import type { Direction, SpeakerRole } from '@omnithread/core';
import type { SpeakerMap } from './types.js';

const ROLE_WORDS: Record<string, SpeakerRole> = {
  customer: 'customer',
  caller: 'customer',
  client: 'customer',
  agent: 'agent',
  human_agent: 'agent',
  supervisor: 'agent',
  bot: 'bot',
  ai_agent: 'bot',
  custom_bot: 'bot',
  system: 'bot',
  virtual_agent: 'bot',
  unknown: 'unknown',
};

/**
 * A role named by a format's own role field (`AGENT`, `CUSTOMER`, `Customer`, `HUMAN_AGENT`,
 * `SYSTEM`…), or undefined when the word is not a role.
 */
export function roleFromWord(word: unknown): SpeakerRole | undefined {
  if (typeof word !== 'string') return undefined;
  // The few words formats use (`Customer`, `AGENT`) come again on every turn: remember them, bounded.
  const known = ROLE_OF_WORD.get(word);
  if (known !== undefined) return known ?? undefined;
  const key = word
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  // Own keys only: `constructor` or `toString` are words, not roles.
  const role = Object.hasOwn(ROLE_WORDS, key) ? ROLE_WORDS[key] : undefined;
  if (ROLE_OF_WORD.size >= 256) ROLE_OF_WORD.delete(ROLE_OF_WORD.keys().next().value!);
  ROLE_OF_WORD.set(word, role ?? null);
  return role;
}

const ROLE_OF_WORD = new Map<string, SpeakerRole | null>();

export interface RoleAssignment {
  roles: SpeakerRole[];
  warnings: string[];
}

/**
 * Decides the role of each turn: the format's own role first, then the configured speaker map,
 * then (only when asked) the call's direction; anything else stays `unknown` with a warning.
 * `turns` must already be in time order, since inference goes by order of first speech.
 */
export function assignRoles(
  turns: ReadonlyArray<{ label?: string; role?: SpeakerRole }>,
  options: { speakers?: SpeakerMap; inferFromDirection?: boolean; direction: Direction },
): RoleAssignment {
  const warnings: string[] = [];
  const speakers = options.speakers ?? {};
  const inferred = new Map<string, SpeakerRole>();
  if (options.inferFromDirection) {
    const order =
      options.direction === 'outbound' ? (['customer', 'agent'] as const) : (['agent', 'customer'] as const);
    for (const turn of turns) {
      if (
        turn.role ||
        turn.label === undefined ||
        Object.hasOwn(speakers, turn.label) ||
        inferred.has(turn.label)
      )
        continue;
      inferred.set(turn.label, order[inferred.size] ?? 'unknown');
    }
    const named = [...inferred].filter(([, role]) => role !== 'unknown');
    if (named.length > 0) {
      warnings.push(
        `speaker roles inferred from the ${options.direction} call direction: ${named.map(([label, role]) => `${label} = ${role}`).join(', ')}`,
      );
    }
  }
  const unmapped = new Set<string>();
  let unlabeled = 0;
  const roles = turns.map((turn) => {
    if (turn.role) return turn.role;
    if (turn.label !== undefined) {
      const configured = Object.hasOwn(speakers, turn.label) ? speakers[turn.label] : undefined;
      if (configured) return configured;
      const guess = inferred.get(turn.label);
      if (guess && guess !== 'unknown') return guess;
      unmapped.add(turn.label);
    } else {
      unlabeled++;
    }
    return 'unknown' as const;
  });
  if (unmapped.size > 0) {
    warnings.push(
      `speaker role unknown for ${[...unmapped].map((l) => JSON.stringify(l)).join(', ')}: map them with the \`speakers\` option`,
    );
  }
  if (unlabeled > 0) warnings.push(`${unlabeled} turn(s) carry no speaker label: their role is unknown`);
  return { roles, warnings };
}

/** How a turn is written in the message's searchable text: `Customer`, `Agent`, `Bot`, or `Speaker <label>`. */
const ROLE_NAMES: Readonly<Record<string, string>> = { customer: 'Customer', agent: 'Agent', bot: 'Bot' };

export function speakerName(role: SpeakerRole, label: string | undefined): string {
  if (role === 'unknown') return label !== undefined ? `Speaker ${label}` : 'Unknown';
  return (
    (Object.hasOwn(ROLE_NAMES, role) ? ROLE_NAMES[role] : undefined) ?? role[0]!.toUpperCase() + role.slice(1)
  );
}
