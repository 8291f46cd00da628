import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import type { Device, DeviceImportResult, DeviceState, DeviceStats, DeviceType } from '@jiedao/contracts';
import {
  DEVICE_IMPORT_FIELDS,
  DEVICE_STATES,
  DEVICE_TYPES,
  type DeviceImportField,
} from '@jiedao/contracts/constants';
import {
  Alert,
  Button,
  Card,
  Flex,
  Input,
  Modal,
  Progress,
  Select,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableProps } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { download, type ApiError, toApiError, toQuery, upload } from '../api/client';
import { useApi } from '../api/useApi';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemText } from '../components/problemText';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useLabels } from '../components/useLabels';
import { formatDateTime } from '../format';
import {
  readDeviceFilters,
  deviceFilterParams,
  writeDeviceFilters,
  type DeviceFilters,
} from '../governance/deviceFilters';
import { formatRate } from '../governance/kpi';
import type { Paged } from '../governance/types';
import { useGovLabels } from '../governance/useGovLabels';
import { useCommunities } from '../map/gridsCache';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

const STATE_COLOR: Record<DeviceState, string> = {
  online: 'green',
  offline: 'default',
  alarm: 'red',
  fault: 'orange',
  disabled: 'default',
};

const IMPORT_TYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

type ImportState =
  | { phase: 'idle' }
  | { phase: 'uploading'; percent: number; fileName: string }
  | { phase: 'processing'; fileName: string }
  | { phase: 'done'; fileName: string; result: DeviceImportResult }
  | { phase: 'failed'; fileName: string; message: string };

/** The import dialog: choose a file, watch it upload, then see what was imported or every row that was wrong. */
function isImportField(field: string): field is DeviceImportField {
  return (DEVICE_IMPORT_FIELDS as readonly string[]).includes(field);
}

function ImportDialog({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  onImported: () => void;
}) {
  const { t, i18n } = useTranslation();
  const problemText = useProblemText();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const busy = state.phase === 'uploading' || state.phase === 'processing';

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
    const contentType = IMPORT_TYPES[extension];
    if (input.current) input.current.value = '';
    if (!contentType) {
      setState({ phase: 'failed', fileName: file.name, message: t('devices.importWrongType') });
      return;
    }
    setState({ phase: 'uploading', percent: 0, fileName: file.name });
    try {
      const result = await upload<DeviceImportResult>('/api/governance/devices/import', file, contentType, {
        onProgress: (share) => {
          // Once the last byte is sent the server is parsing and checking every row.
          setState(
            share >= 1
              ? { phase: 'processing', fileName: file.name }
              : { phase: 'uploading', percent: Math.round(share * 100), fileName: file.name },
          );
        },
      });
      setState({ phase: 'done', fileName: file.name, result });
      if (result.ok) onImported();
    } catch (caught) {
      const problem = toApiError(caught);
      setState({ phase: 'failed', fileName: file.name, message: problemText(problem) });
    }
  };

  const errorColumns: TableProps<DeviceImportResult['errors'][number]>['columns'] = [
    { key: 'row', title: t('devices.row'), dataIndex: 'row', width: 70 },
    {
      key: 'field',
      title: t('devices.field'),
      width: 120,
      // The column as the register names it (the server answers with the field's code).
      render: (_: unknown, error) =>
        isImportField(error.field)
          ? t(`devices.importFields.${error.field}`)
          : error.field === '*'
            ? t('devices.importFields.more')
            : error.field,
    },
    {
      key: 'message',
      title: t('devices.message'),
      // The server says each problem in both languages; staff read it in theirs.
      render: (_: unknown, error) => (i18n.language.startsWith('zh') ? error.messageZh : error.message),
    },
  ];

  return (
    <Modal
      open={open}
      title={t('devices.importTitle')}
      onCancel={busy ? undefined : onClose}
      closable={!busy}
      mask={{ closable: !busy }}
      footer={null}
      width={720}
      destroyOnHidden
    >
      <Flex vertical gap={16} data-testid="import-dialog">
        <Typography.Paragraph style={{ margin: 0 }}>{t('devices.importHint')}</Typography.Paragraph>
        <input
          ref={input}
          type="file"
          accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          style={{ display: 'none' }}
          onChange={(event) => void onFile(event.target.files?.[0])}
          data-testid="import-input"
        />
        <Button
          icon={<UploadOutlined />}
          type="primary"
          onClick={() => input.current?.click()}
          disabled={busy}
          data-testid="import-choose"
        >
          {t('devices.importChoose')}
        </Button>
        {state.phase !== 'idle' && <Typography.Text strong>{state.fileName}</Typography.Text>}
        {state.phase === 'uploading' && (
          <div role="status">
            <Typography.Text>{t('devices.importing', { percent: state.percent })}</Typography.Text>
            <Progress percent={state.percent} />
          </div>
        )}
        {state.phase === 'processing' && (
          <div role="status">
            <Typography.Text>{t('devices.processing')}</Typography.Text>
            <Progress percent={100} status="active" showInfo={false} />
          </div>
        )}
        {state.phase === 'failed' && <Alert type="error" showIcon title={state.message} role="alert" />}
        {state.phase === 'done' && state.result.ok && (
          <Alert
            type="success"
            showIcon
            role="status"
            title={t('devices.importDone', {
              created: state.result.created,
              updated: state.result.updated,
              rows: state.result.rows,
            })}
            data-testid="import-done"
          />
        )}
        {state.phase === 'done' && !state.result.ok && (
          <>
            <Alert
              type="error"
              showIcon
              role="alert"
              title={t('devices.importFailed', { errors: state.result.errors.length })}
              data-testid="import-failed"
            />
            <div data-testid="import-errors">
              <Table
                rowKey={(error) => `${error.row}:${error.field}:${error.message}`}
                size="small"
                columns={errorColumns}
                dataSource={state.result.errors}
                pagination={state.result.errors.length > 10 ? { pageSize: 10 } : false}
              />
            </div>
          </>
        )}
      </Flex>
    </Modal>
  );
}

function StatsHeader({ stats }: { stats: DeviceStats }) {
  const { t, i18n } = useTranslation();
  const figures: { key: string; title: string; value: number; tone?: string }[] = [
    { key: 'total', title: t('devices.statTotal'), value: stats.total },
    { key: 'online', title: t('deviceState.online'), value: stats.online, tone: 'ok' },
    { key: 'offline', title: t('deviceState.offline'), value: stats.offline, tone: 'muted' },
    { key: 'alarm', title: t('deviceState.alarm'), value: stats.alarm, tone: 'alarm' },
    { key: 'fault', title: t('deviceState.fault'), value: stats.fault, tone: 'warn' },
    { key: 'batteryLow', title: t('devices.batteryLow'), value: stats.batteryLow, tone: 'warn' },
  ];
  const rate = stats.total > 0 ? stats.online / stats.total : null;
  return (
    <Card className="filters-card" size="small" data-testid="device-stats">
      <Flex gap={32} wrap="wrap" align="center">
        {figures.map((figure) => (
          <Statistic
            key={figure.key}
            title={figure.title}
            value={figure.value}
            className={figure.tone ? `stat stat-${figure.tone}` : 'stat'}
            data-testid={`device-stat-${figure.key}`}
          />
        ))}
        <Typography.Text type="secondary">
          {t('devices.onlineRate', { rate: formatRate(rate, i18n.language, t('common.none')) })}
        </Typography.Text>
      </Flex>
    </Card>
  );
}

/** 设备: the IoT register with live states, filters, the Excel export of the same filter, and the import. */
export default function DevicesPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const gov = useGovLabels();
  const [params, setParams] = useSearchParams();
  const filters = readDeviceFilters(params);
  useDocumentTitle(t('devices.title'));

  const list = useApi<Paged<Device>>(
    `/api/governance/devices${toQuery({ ...deviceFilterParams(filters), page: filters.page, pageSize: filters.pageSize })}`,
  );
  const stats = useApi<DeviceStats>('/api/governance/devices/stats');
  const communities = useCommunities();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const [importing, setImporting] = useState(false);

  const update = (change: Partial<DeviceFilters>) => {
    setParams(writeDeviceFilters({ ...filters, page: 1, ...change }));
  };

  const exportXlsx = () => {
    setExporting(true);
    setExportError(null);
    download(
      `/api/governance/devices${toQuery({ ...deviceFilterParams(filters), format: 'xlsx' })}`,
      'devices.xlsx',
    )
      .catch((error: unknown) => {
        setExportError(toApiError(error));
      })
      .finally(() => {
        setExporting(false);
      });
  };

  const columns: TableProps<Device>['columns'] = [
    {
      key: 'code',
      title: t('devices.code'),
      fixed: 'left',
      width: 150,
      render: (_, device) => <span className="mono">{device.code}</span>,
    },
    { key: 'name', title: t('devices.name'), dataIndex: 'name', width: 200 },
    { key: 'type', title: t('devices.type'), width: 130, render: (_, device) => gov.deviceType(device.type) },
    {
      key: 'state',
      title: t('devices.state'),
      width: 130,
      render: (_, device) => (
        <Flex gap={4} wrap="wrap">
          <Tag color={STATE_COLOR[device.state]} data-state={device.state}>
            {gov.deviceState(device.state)}
          </Tag>
          {device.batteryLow && <Tag color="warning">{t('devices.batteryLow')}</Tag>}
        </Flex>
      ),
    },
    {
      key: 'place',
      title: t('devices.place'),
      width: 260,
      render: (_, device) => (
        <Flex vertical gap={2}>
          <span>
            {[device.communityName, device.gridName, device.buildingName].filter(Boolean).join(' · ') ||
              t('common.none')}
          </span>
          {device.address && (
            <Typography.Text type="secondary" className="muted-small">
              {device.address}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      key: 'installedOn',
      title: t('devices.installedOn'),
      width: 110,
      render: (_, device) => <span className="mono">{device.installedOn ?? t('common.none')}</span>,
    },
    {
      key: 'lastSeen',
      title: t('devices.lastSeen'),
      width: 170,
      render: (_, device) => (
        <span className="mono">
          {device.lastSeenAt ? formatDateTime(device.lastSeenAt) : t('common.none')}
        </span>
      ),
    },
  ];

  return (
    <div className="page">
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('devices.title')}
        </Typography.Title>
        <Flex gap={8} wrap="wrap">
          <Button
            icon={<UploadOutlined />}
            onClick={() => {
              setImporting(true);
            }}
            data-testid="device-import"
          >
            {t('devices.import')}
          </Button>
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            onClick={exportXlsx}
            loading={exporting}
            data-testid="export-xlsx"
          >
            {t('devices.export')}
          </Button>
        </Flex>
      </Flex>
      {exportError && <ProblemAlert error={exportError} title={t('devices.exportFailed')} />}
      {stats.error && <ProblemAlert error={stats.error} onRetry={stats.reload} />}
      {stats.data && <StatsHeader stats={stats.data} />}
      <Card className="filters-card" variant="outlined" size="small">
        <Flex gap={12} wrap="wrap" align="center" role="search" aria-label={t('devices.filters')}>
          <Input.Search
            key={filters.q}
            defaultValue={filters.q}
            placeholder={t('devices.searchPlaceholder')}
            aria-label={t('devices.searchPlaceholder')}
            allowClear
            enterButton={t('common.search')}
            maxLength={50}
            onSearch={(value) => {
              update({ q: value.trim() });
            }}
            style={{ width: 320 }}
            data-testid="devices-search"
          />
          <Select
            allowClear
            placeholder={t('devices.allTypes')}
            aria-label={t('devices.type')}
            value={filters.type ?? undefined}
            options={DEVICE_TYPES.map((type) => ({ value: type, label: gov.deviceType(type) }))}
            onChange={(value: DeviceType | undefined) => {
              update({ type: value ?? null });
            }}
            style={{ width: 170 }}
            data-testid="filter-device-type"
          />
          <Select
            allowClear
            placeholder={t('devices.allStates')}
            aria-label={t('devices.state')}
            value={filters.state ?? undefined}
            options={DEVICE_STATES.map((state) => ({ value: state, label: gov.deviceState(state) }))}
            onChange={(value: DeviceState | undefined) => {
              update({ state: value ?? null });
            }}
            style={{ width: 140 }}
            data-testid="filter-device-state"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('devices.allCommunities')}
            aria-label={t('devices.community')}
            value={filters.communityId ?? undefined}
            options={(communities.data ?? []).map((community) => ({
              value: community.id,
              label: labels.localName(community.name, community.nameEn),
            }))}
            onChange={(value: string | undefined) => {
              update({ communityId: value ?? null });
            }}
            style={{ width: 170 }}
            data-testid="filter-device-community"
          />
        </Flex>
      </Card>
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <div data-testid="devices-table">
        <Table<Device>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: filters.page,
            pageSize: filters.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: ['20', '50', '100'],
            showTotal: (total) => t('devices.total', { total }),
          }}
          onChange={(pagination) => {
            setParams(
              writeDeviceFilters({
                ...filters,
                page: pagination.current ?? 1,
                pageSize: pagination.pageSize ?? filters.pageSize,
              }),
            );
          }}
        />
      </div>
      <ImportDialog
        open={importing}
        onClose={() => {
          setImporting(false);
        }}
        onImported={() => {
          list.reload();
          stats.reload();
        }}
      />
    </div>
  );
}
