/** A page of items with the total count, as every list endpoint answers (the contract's `Paged(...)` schema). */
export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
