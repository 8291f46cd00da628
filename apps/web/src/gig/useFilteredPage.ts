import { useSearchParams } from 'react-router';
import { toQuery } from '../api/client';
import { useApi, type ApiState } from '../api/useApi';
import type { Paged } from '../governance/types';
import { oneOf, positiveInt } from '../urlParams';
import { GIG_API } from './gigApi';

export interface FilteredPage<T, F extends string> {
  filter: F;
  list: ApiState<Paged<T>>;
  setFilter: (next: F) => void;
  /** The table's `pagination`: the page lives in the URL with the filter. */
  pagination: {
    current: number;
    pageSize: number;
    total: number;
    showSizeChanger: false;
    onChange: (next: number) => void;
  };
}

/**
 * A list filtered by one state and paged, both kept in the URL (a reload or a shared link
 * shows the same page): `?<param>=<filter>&page=<n>`, the filter left out when it is `fallback`.
 * `all` asks the API without the filter.
 */
export function useFilteredPage<T, F extends string>(
  path: string,
  param: string,
  filters: readonly F[],
  fallback: F,
  pageSize = 20,
): FilteredPage<T, F> {
  const [params, setParams] = useSearchParams();
  const filter = oneOf(filters, params.get(param)) ?? fallback;
  const page = positiveInt(params.get('page'), 1);
  const kept = filter === fallback ? {} : { [param]: filter };
  const list = useApi<Paged<T>>(
    `${GIG_API}${path}${toQuery({ [param]: filter === 'all' ? undefined : filter, page, pageSize })}`,
  );
  return {
    filter,
    list,
    setFilter: (next) => {
      setParams(next === fallback ? {} : { [param]: next });
    },
    pagination: {
      current: page,
      pageSize,
      total: list.data?.total ?? 0,
      showSizeChanger: false,
      onChange: (next) => {
        setParams({ ...kept, page: String(next) });
      },
    },
  };
}
