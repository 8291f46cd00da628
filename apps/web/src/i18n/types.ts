import type zhCN from './zh-CN';

/** The same tree of keys as `zh-CN.ts`, with any string values: the shape every language must have. */
export type SameKeys<T> = { [K in keyof T]: T[K] extends string ? string : SameKeys<T[K]> };

export type Messages = SameKeys<typeof zhCN>;
