import { DownloadOutlined } from '@ant-design/icons';
import type { Community, ComplexTier, Facility, FacilityType } from '@jiedao/contracts';
import { Button, Card, Flex, Input, Select, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError, download, toQuery } from '../api/client';
import { useApi } from '../api/useApi';
import { ProblemAlert } from '../components/ProblemAlert';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useLabels } from '../components/useLabels';
import { COMPLEX_TIERS, FACILITY_TYPES } from '../domain';
import {
  filterParams,
  PAGE_SIZES,
  readFacilityFilters,
  writeFacilityFilters,
  type FacilityFilters,
} from '../facilityFilters';
import { formatOpeningHours } from '../format';
import { useElderMode } from '../prefs/ElderMode';

interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export default function FacilitiesPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { elder } = useElderMode();
  const [params, setParams] = useSearchParams();
  const filters = readFacilityFilters(params);
  useDocumentTitle(t('facilities.title'));

  const listPath = `/api/places/facilities${toQuery({ ...filterParams(filters), page: filters.page, pageSize: filters.pageSize })}`;
  const list = useApi<Paged<Facility>>(listPath);
  const communities = useApi<Community[]>('/api/places/communities');
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<ApiError | null>(null);

  const communityNames = useMemo(() => {
    const names = new Map<string, string>();
    for (const community of communities.data ?? []) {
      names.set(community.id, labels.localName(community.name, community.nameEn));
    }
    return names;
  }, [communities.data, labels]);

  const update = (change: Partial<FacilityFilters>) => {
    const next: FacilityFilters = { ...filters, page: 1, ...change };
    if (next.type !== 'service_complex') next.tier = null;
    setParams(writeFacilityFilters(next));
  };

  const exportXlsx = () => {
    setExporting(true);
    setExportError(null);
    download(`/api/places/facilities/export.xlsx${toQuery(filterParams(filters))}`, 'facilities.xlsx')
      .catch((error: unknown) => {
        setExportError(
          error instanceof ApiError ? error : new ApiError({ status: 0, code: 'network_error', detail: '' }),
        );
      })
      .finally(() => {
        setExporting(false);
      });
  };

  const columns: TableProps<Facility>['columns'] = [
    {
      key: 'name',
      title: t('facilities.name'),
      fixed: 'left',
      width: elder ? 240 : 190,
      render: (_, facility) => (
        <Typography.Text strong>{labels.localName(facility.name, facility.nameEn)}</Typography.Text>
      ),
    },
    {
      key: 'type',
      title: t('facilities.type'),
      width: elder ? 200 : 150,
      render: (_, facility) => labels.facilityType(facility.type),
    },
    {
      key: 'tier',
      title: t('facilities.tier'),
      width: elder ? 110 : 80,
      render: (_, facility) => labels.tier(facility.tier),
    },
    {
      key: 'community',
      title: t('facilities.community'),
      width: elder ? 150 : 110,
      render: (_, facility) => communityNames.get(facility.communityId) ?? facility.communityName,
    },
    {
      key: 'grid',
      title: t('facilities.grid'),
      width: elder ? 130 : 100,
      render: (_, facility) => <span className="mono">{facility.gridCode ?? t('common.none')}</span>,
    },
    {
      key: 'address',
      title: t('facilities.address'),
      dataIndex: 'address',
      width: elder ? 300 : 220,
    },
    {
      key: 'hours',
      title: t('facilities.hours'),
      width: elder ? 300 : 200,
      render: (_, facility) => formatOpeningHours(facility.openingHours, t),
    },
    {
      key: 'phone',
      title: t('facilities.phone'),
      width: elder ? 180 : 130,
      render: (_, facility) =>
        facility.phone ? (
          <a href={`tel:${facility.phone.replace(/[^\d+]/g, '')}`} className="mono">
            {facility.phone}
          </a>
        ) : (
          t('common.none')
        ),
    },
  ];

  const typeOptions = FACILITY_TYPES.map((type: FacilityType) => ({
    value: type,
    label: labels.facilityType(type),
  }));
  const tierOptions = COMPLEX_TIERS.map((tier) => ({ value: tier, label: labels.tier(tier) }));
  const communityOptions = (communities.data ?? []).map((community) => ({
    value: community.id,
    label: labels.localName(community.name, community.nameEn),
  }));
  const selectWidth = elder ? 260 : 200;
  const tierEnabled = filters.type === 'service_complex';

  return (
    <div className="page">
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('facilities.title')}
        </Typography.Title>
        <Button
          type="primary"
          icon={<DownloadOutlined />}
          onClick={exportXlsx}
          loading={exporting}
          data-testid="export-xlsx"
        >
          {t('facilities.export')}
        </Button>
      </Flex>
      {exportError && <ProblemAlert error={exportError} title={t('facilities.exportFailed')} />}
      <Card className="filters-card" variant="outlined">
        <Flex gap={12} wrap="wrap" align="center" role="search" aria-label={t('facilities.filters')}>
          <Input.Search
            key={filters.q}
            defaultValue={filters.q}
            placeholder={t('facilities.searchPlaceholder')}
            aria-label={t('facilities.searchPlaceholder')}
            allowClear
            enterButton={t('common.search')}
            maxLength={100}
            onSearch={(value) => {
              update({ q: value.trim() });
            }}
            style={{ width: elder ? 420 : 320 }}
            data-testid="facilities-search"
          />
          <Select
            allowClear
            placeholder={t('facilities.allTypes')}
            aria-label={t('facilities.type')}
            value={filters.type ?? undefined}
            options={typeOptions}
            onChange={(value: FacilityType | undefined) => {
              update({ type: value ?? null });
            }}
            style={{ width: selectWidth }}
            data-testid="filter-type"
          />
          {tierEnabled && (
            <Select
              allowClear
              placeholder={t('facilities.allTiers')}
              aria-label={t('facilities.tier')}
              value={filters.tier ?? undefined}
              options={tierOptions}
              onChange={(value: ComplexTier | undefined) => {
                update({ tier: value ?? null });
              }}
              style={{ width: selectWidth }}
              data-testid="filter-tier"
            />
          )}
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('facilities.allCommunities')}
            aria-label={t('facilities.community')}
            value={filters.communityId ?? undefined}
            options={communityOptions}
            loading={communities.loading}
            onChange={(value: string | undefined) => {
              update({ communityId: value ?? null });
            }}
            style={{ width: selectWidth }}
            data-testid="filter-community"
          />
        </Flex>
      </Card>
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <div data-testid="facilities-table">
        <Table<Facility>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          size={elder ? 'large' : 'middle'}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: filters.page,
            pageSize: filters.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: PAGE_SIZES.map(String),
            showTotal: (total) => t('facilities.total', { total }),
          }}
          onChange={(pagination) => {
            update({
              page: pagination.current ?? 1,
              pageSize: pagination.pageSize ?? filters.pageSize,
            });
          }}
        />
      </div>
    </div>
  );
}
