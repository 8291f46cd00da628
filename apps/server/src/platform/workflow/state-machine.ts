/**
 * A pure, table-driven state machine: which move may be made from which state, by which role, and
 * where it leads. Domain workflows (governance cases, claims, leases …) declare their table here and
 * get the same answers everywhere: `allowedMoves` for the UI, `applyMove` for the service, and the
 * allowed list for a 409 when a move is refused.
 */
export interface TransitionRule<State extends string, Move extends string, Role extends string> {
  move: Move;
  from: readonly State[];
  /** The next state; a function for moves that depend on where they start (e.g. resume). */
  to: State | ((from: State) => State);
  roles: readonly Role[];
}

export interface MachineDefinition<State extends string, Move extends string, Role extends string> {
  states: readonly State[];
  initial: State;
  /** States no move leaves. */
  terminal: readonly State[];
  rules: ReadonlyArray<TransitionRule<State, Move, Role>>;
}

export type MoveResult<State extends string, Move extends string> =
  | { ok: true; from: State; to: State; move: Move }
  | { ok: false; reason: 'not_allowed_in_state' | 'role_forbidden'; allowed: Move[] };

/** Moves the holder of any of `roles` may make from `state`, in the table's order, without repeats. */
export function allowedMoves<State extends string, Move extends string, Role extends string>(
  machine: MachineDefinition<State, Move, Role>,
  state: State,
  roles: readonly Role[],
): Move[] {
  const moves: Move[] = [];
  for (const rule of machine.rules) {
    if (!rule.from.includes(state)) continue;
    if (!rule.roles.some((role) => roles.includes(role))) continue;
    if (!moves.includes(rule.move)) moves.push(rule.move);
  }
  return moves;
}

/** Decides a move; never throws, so callers choose how to report a refusal. */
export function applyMove<State extends string, Move extends string, Role extends string>(
  machine: MachineDefinition<State, Move, Role>,
  state: State,
  move: Move,
  roles: readonly Role[],
): MoveResult<State, Move> {
  const fromHere = machine.rules.filter((rule) => rule.move === move && rule.from.includes(state));
  const allowed = allowedMoves(machine, state, roles);
  if (fromHere.length === 0) return { ok: false, reason: 'not_allowed_in_state', allowed };
  const rule = fromHere.find((candidate) => candidate.roles.some((role) => roles.includes(role)));
  if (!rule) return { ok: false, reason: 'role_forbidden', allowed };
  const to = typeof rule.to === 'function' ? rule.to(state) : rule.to;
  return { ok: true, from: state, to, move };
}

/**
 * Checks a definition once at start-up: every state named in a rule exists, terminal states have no
 * way out, and every non-terminal state can be left. Returns the problems (empty when sound).
 */
export function findDefinitionProblems<State extends string, Move extends string, Role extends string>(
  machine: MachineDefinition<State, Move, Role>,
): string[] {
  const problems: string[] = [];
  const known = new Set<string>(machine.states);
  if (!known.has(machine.initial)) problems.push(`initial state "${machine.initial}" is not a state`);
  for (const rule of machine.rules) {
    for (const from of rule.from) {
      if (!known.has(from)) problems.push(`move "${rule.move}" starts from unknown state "${from}"`);
      if (machine.terminal.includes(from))
        problems.push(`move "${rule.move}" leaves terminal state "${from}"`);
      const to = typeof rule.to === 'function' ? rule.to(from) : rule.to;
      if (!known.has(to)) problems.push(`move "${rule.move}" from "${from}" leads to unknown state "${to}"`);
    }
    if (rule.roles.length === 0) problems.push(`move "${rule.move}" has no role that may make it`);
  }
  for (const state of machine.states) {
    if (machine.terminal.includes(state)) continue;
    if (!machine.rules.some((rule) => rule.from.includes(state)))
      problems.push(`state "${state}" has no way out`);
  }
  return problems;
}
