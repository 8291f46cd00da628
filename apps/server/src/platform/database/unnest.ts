import { sql, type RawBuilder } from 'kysely';

/** One column of an array insert: its SQL name, its PostgreSQL type, and one value per row. */
export type UnnestColumn = readonly [name: string, type: string, values: readonly unknown[]];

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const TYPE = /^[a-z0-9_ ]+$/;

/**
 * `insert into <table> (<columns>) select * from unnest($1::<type>[], …)`: many rows with one
 * parameter per column, so the statement's text is the same for any number of rows (PostgreSQL
 * prepares it once per connection) and a batch never nears the 65,535-parameter limit. Names and
 * types are code constants, checked here; values are always parameters. `suffix` adds e.g.
 * `on conflict … do nothing returning id`.
 */
export function unnestInsert<Row = never>(
  table: string,
  columns: readonly UnnestColumn[],
  suffix: RawBuilder<unknown> = sql``,
): RawBuilder<Row> {
  if (!IDENTIFIER.test(table)) throw new Error(`bad table name ${table}`);
  const rows = columns[0]?.[2].length ?? 0;
  for (const [name, type, values] of columns) {
    if (!IDENTIFIER.test(name) || !TYPE.test(type)) throw new Error(`bad column ${name} ${type}`);
    if (values.length !== rows)
      throw new Error(`column ${name} has ${values.length} values, expected ${rows}`);
  }
  const names = sql.raw(columns.map(([name]) => name).join(', '));
  const arrays = sql.join(columns.map(([, type, values]) => sql`${values}::${sql.raw(type)}[]`));
  return sql<Row>`insert into ${sql.raw(table)} (${names}) select * from unnest(${arrays}) ${suffix}`;
}
