import { CompiledQuery, type Compilable, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

const SENTINEL_PREFIX = '\u0000jiedao-parameter-';

interface Template {
  sql: string;
  /** For each compiled parameter: the index of the argument it takes, or -1 to keep the constant. */
  slots: number[];
  constants: readonly unknown[];
}

/**
 * A fixed-shape query compiled once per database handle and then re-run with new arguments.
 * Building and compiling a Kysely query costs more than the round trip for a short primary-key
 * read; hot reads skip that work. The builder receives placeholder strings, so it must not branch on
 * its arguments (use it only for queries whose shape never changes).
 */
export function reusableQuery<Row, Args extends string[]>(
  build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>,
): (db: Kysely<Database> | Transaction<Database>, ...args: Args) => Promise<Row[]> {
  const templates = new WeakMap<object, Template>();
  return async (db, ...args) => {
    let template = templates.get(db);
    if (!template) {
      const placeholders = args.map((_, index) => `${SENTINEL_PREFIX}${index}`) as Args;
      const compiled = build(db, ...placeholders).compile();
      const slots = compiled.parameters.map((parameter) =>
        typeof parameter === 'string' && parameter.startsWith(SENTINEL_PREFIX)
          ? Number(parameter.slice(SENTINEL_PREFIX.length))
          : -1,
      );
      template = { sql: compiled.sql, slots, constants: compiled.parameters };
      templates.set(db, template);
    }
    const { sql, slots, constants } = template;
    const parameters = slots.map((slot, index) => (slot >= 0 ? args[slot] : constants[index]));
    const result = await db.executeQuery<Row>(CompiledQuery.raw(sql, parameters));
    return result.rows;
  };
}
