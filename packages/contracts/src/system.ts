import { Type, type Static } from 'typebox';

export const Health = Type.Object({ status: Type.Literal('ok') });
export const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  checks: Type.Object({ database: Type.Boolean(), migrations: Type.Boolean() }),
});
export type Readiness = Static<typeof Readiness>;
