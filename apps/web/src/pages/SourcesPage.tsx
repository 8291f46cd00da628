import { KeyOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import type {
  CreateSourceRequest,
  DeadLetter,
  EventSource as GovSource,
  ReplayResult,
  SourceChannel,
  SourceMapping,
  SourceSecret,
  UnknownDevice,
} from '@jiedao/contracts';
import { SOURCE_CHANNELS, SOURCE_MAPPINGS } from '@jiedao/contracts/constants';
import {
  Alert,
  Badge,
  Button,
  Drawer,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, toApiError, toQuery } from '../api/client';
import { useApi } from '../api/useApi';
import { useMe } from '../auth/AuthContext';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemText } from '../components/problemText';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useNotice } from '../components/useNotice';
import { formatDateTime } from '../format';
import type { Paged } from '../governance/types';
import { useGovLabels } from '../governance/useGovLabels';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

type Health = GovSource['health'];

/** Webhook endpoints as the full URL an integrator configures; MQTT topic filters as they are. */
function endpointText(endpoint: string): string {
  return endpoint.startsWith('/') ? `${window.location.origin}${endpoint}` : endpoint;
}
type DeadLetterStatus = DeadLetter['status'];

const HEALTH_BADGE: Record<Health, 'success' | 'default' | 'error' | 'warning'> = {
  ok: 'success',
  idle: 'default',
  failing: 'error',
  disconnected: 'warning',
  disabled: 'default',
};

function HealthBadge({ health }: { health: Health }) {
  const { t } = useTranslation();
  return <Badge status={HEALTH_BADGE[health]} text={t(`sourceHealth.${health}`)} data-health={health} />;
}

/** The secret shown once, after creating a source or rotating its secret, with copy buttons. */
function SecretDialog({ secret, onClose }: { secret: SourceSecret | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open={secret !== null}
      title={t('sources.secretTitle')}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="secret-done">
          {t('sources.secretDone')}
        </Button>
      }
    >
      {secret && (
        <Flex vertical gap={12} data-testid="secret-dialog">
          <Alert type="warning" showIcon title={t('sources.secretWarning')} />
          <Typography.Text strong>
            {secret.source.name} <span className="mono">({secret.source.code})</span>
          </Typography.Text>
          <div>
            <Typography.Text type="secondary">{t('sources.secret')}</Typography.Text>
            <Typography.Paragraph
              className="mono secret-value"
              copyable={{ text: secret.secret, tooltips: [t('common.copy'), t('common.copied')] }}
              data-testid="secret-value"
            >
              {secret.secret}
            </Typography.Paragraph>
          </div>
          {secret.apiKey && (
            <div>
              <Typography.Text type="secondary">{t('sources.apiKey')}</Typography.Text>
              <Typography.Paragraph
                className="mono secret-value"
                copyable={{ text: secret.apiKey, tooltips: [t('common.copy'), t('common.copied')] }}
              >
                {secret.apiKey}
              </Typography.Paragraph>
            </div>
          )}
          <div>
            <Typography.Text type="secondary">{t('sources.endpoint')}</Typography.Text>
            <Typography.Paragraph
              className="mono"
              copyable={{ tooltips: [t('common.copy'), t('common.copied')] }}
            >
              {endpointText(secret.source.endpoint)}
            </Typography.Paragraph>
          </div>
        </Flex>
      )}
    </Modal>
  );
}

function CreateSourceDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (secret: SourceSecret) => void;
}) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const problemText = useProblemText();
  const [form] = Form.useForm<CreateSourceRequest>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: CreateSourceRequest) => {
    setBusy(true);
    setError(null);
    try {
      const secret = await api<SourceSecret>('/api/governance/sources', { method: 'POST', body: values });
      form.resetFields();
      onCreated(secret);
    } catch (caught) {
      const problem = toApiError(caught);
      const fields = problem.fieldErrors.filter((fieldError) =>
        ['code', 'name', 'channel', 'mapping'].includes(fieldError.field),
      );
      if (fields.length > 0)
        form.setFields(
          fields.map((fieldError) => ({
            name: fieldError.field as keyof CreateSourceRequest,
            errors: [fieldError.message],
          })),
        );
      setError(problemText(problem));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={t('sources.create')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form<CreateSourceRequest>
        form={form}
        layout="vertical"
        requiredMark={false}
        disabled={busy}
        onFinish={(values) => void submit(values)}
        data-testid="source-form"
      >
        <Form.Item
          name="code"
          label={t('sources.code')}
          extra={t('sources.codeHelp')}
          rules={[
            { required: true, pattern: /^[a-z0-9][a-z0-9-]{1,39}$/, message: t('sources.codeRequired') },
          ]}
        >
          <Input maxLength={40} className="mono" data-testid="source-code" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('sources.name')}
          rules={[{ required: true, whitespace: true, message: t('sources.nameRequired') }]}
        >
          <Input maxLength={60} data-testid="source-name" />
        </Form.Item>
        <Form.Item
          name="channel"
          label={t('sources.channel')}
          rules={[{ required: true, message: t('sources.channelRequired') }]}
        >
          <Select<SourceChannel>
            options={SOURCE_CHANNELS.map((channel) => ({ value: channel, label: labels.channel(channel) }))}
            data-testid="source-channel"
          />
        </Form.Item>
        <Form.Item
          name="mapping"
          label={t('sources.mapping')}
          rules={[{ required: true, message: t('sources.mappingRequired') }]}
        >
          <Select<SourceMapping>
            options={SOURCE_MAPPINGS.map((mapping) => ({ value: mapping, label: labels.mapping(mapping) }))}
            data-testid="source-mapping"
          />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} />}
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="source-submit">
            {t('sources.createSubmit')}
          </Button>
        </Flex>
      </Form>
    </Modal>
  );
}

function SourcesTab({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const problemText = useProblemText();
  const notice = useNotice();
  const sources = useApi<GovSource[]>('/api/governance/sources');
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<SourceSecret | null>(null);
  const [rotating, setRotating] = useState<string | null>(null);

  const rotate = async (source: GovSource) => {
    setRotating(source.id);
    try {
      setSecret(
        await api<SourceSecret>(`/api/governance/sources/${encodeURIComponent(source.id)}/rotate`, {
          method: 'POST',
          body: {},
        }),
      );
      sources.reload();
    } catch (caught) {
      notice.notify('error', problemText(toApiError(caught)));
    } finally {
      setRotating(null);
    }
  };

  const columns: TableProps<GovSource>['columns'] = [
    {
      key: 'name',
      title: t('sources.name'),
      fixed: 'left',
      width: 200,
      render: (_, source) => (
        <Flex vertical gap={2}>
          <Typography.Text strong>{source.name}</Typography.Text>
          <Typography.Text type="secondary" className="mono muted-small">
            {source.code}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'health',
      title: t('sources.health'),
      width: 110,
      render: (_, source) => <HealthBadge health={source.health} />,
    },
    {
      key: 'channel',
      title: t('sources.channel'),
      width: 200,
      render: (_, source) => (
        <Flex vertical gap={2}>
          <span>{labels.channel(source.channel)}</span>
          <Typography.Text type="secondary" className="muted-small">
            {labels.mapping(source.mapping)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'lastMessage',
      title: t('sources.lastMessage'),
      width: 170,
      render: (_, source) => (
        <span className="mono">
          {source.lastMessageAt ? formatDateTime(source.lastMessageAt) : t('sources.never')}
        </span>
      ),
    },
    {
      key: 'eventsToday',
      title: t('sources.eventsToday'),
      dataIndex: 'eventsToday',
      width: 90,
      align: 'right',
    },
    {
      key: 'deadLetters',
      title: t('sources.deadLettersOpen'),
      width: 100,
      align: 'right',
      render: (_, source) =>
        source.deadLettersOpen > 0 ? (
          <Tag color="error">{source.deadLettersOpen}</Tag>
        ) : (
          source.deadLettersOpen
        ),
    },
    {
      key: 'authFailures',
      title: t('sources.authFailures'),
      width: 100,
      align: 'right',
      render: (_, source) =>
        source.authFailures > 0 ? (
          <Typography.Text
            type="danger"
            title={source.lastAuthFailureAt ? formatDateTime(source.lastAuthFailureAt) : undefined}
          >
            {source.authFailures}
          </Typography.Text>
        ) : (
          0
        ),
    },
    {
      key: 'endpoint',
      title: t('sources.endpoint'),
      width: 260,
      render: (_, source) => (
        <Typography.Text
          className="mono muted-small"
          copyable={{ text: endpointText(source.endpoint), tooltips: [t('common.copy'), t('common.copied')] }}
        >
          {source.endpoint}
        </Typography.Text>
      ),
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            title: t('sources.actions'),
            width: 120,
            render: (_: unknown, source: GovSource) => (
              <Popconfirm
                title={t('sources.rotateConfirm', { name: source.name })}
                onConfirm={() => void rotate(source)}
                okText={t('sources.rotate')}
                cancelText={t('common.cancel')}
              >
                <Button
                  size="small"
                  icon={<KeyOutlined />}
                  loading={rotating === source.id}
                  data-testid="source-rotate"
                >
                  {t('sources.rotate')}
                </Button>
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={12}>
      {notice.node}
      <Flex justify="space-between" align="center" gap={8} wrap="wrap">
        {canManage ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setCreating(true);
            }}
            data-testid="source-create"
          >
            {t('sources.create')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('sources.adminOnly')}</Typography.Text>
        )}
        <Button icon={<ReloadOutlined />} onClick={sources.reload} loading={sources.loading}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {sources.error && <ProblemAlert error={sources.error} onRetry={sources.reload} />}
      <div data-testid="sources-table">
        <Table<GovSource>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={sources.data ?? []}
          loading={sources.loading && !sources.data}
          scroll={{ x: 'max-content' }}
          pagination={false}
        />
      </div>
      <CreateSourceDialog
        open={creating}
        onClose={() => {
          setCreating(false);
        }}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created);
          sources.reload();
        }}
      />
      <SecretDialog
        secret={secret}
        onClose={() => {
          setSecret(null);
        }}
      />
    </Flex>
  );
}

/** Pretty-prints JSON payloads so they can be read and corrected; anything else stays as received. */
function readablePayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload) as unknown, null, 2);
  } catch {
    return payload;
  }
}

function DeadLetterDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const detail = useApi<DeadLetter>(id ? `/api/governance/dead-letters/${encodeURIComponent(id)}` : null);
  const [edited, setEdited] = useState<string | null>(null);
  const [busy, setBusy] = useState<'replay' | 'discard' | null>(null);
  const [outcome, setOutcome] = useState<{ type: 'success' | 'error' | 'warning'; text: string } | null>(
    null,
  );
  const letter = detail.data && detail.data.id === id ? detail.data : null;
  const original = letter?.payload !== undefined ? readablePayload(letter.payload) : '';
  const payload = edited ?? original;

  const replay = async () => {
    if (!letter) return;
    setBusy('replay');
    setOutcome(null);
    try {
      // Send the correction only when the text differs from what was received (reformatting aside).
      const changed = edited !== null && edited !== original;
      const result = await api<ReplayResult>(
        `/api/governance/dead-letters/${encodeURIComponent(letter.id)}/replay`,
        {
          method: 'POST',
          body: changed ? { payload: edited } : {},
        },
      );
      const status = t(`replayStatus.${result.status}`);
      setOutcome({
        type: result.status === 'accepted' || result.status === 'duplicate' ? 'success' : 'warning',
        text: [
          result.caseNumber
            ? t('deadLetters.replayedCase', { status, number: result.caseNumber })
            : t('deadLetters.replayed', { status }),
          result.reason,
        ]
          .filter(Boolean)
          .join(' — '),
      });
      detail.reload();
      onChanged();
    } catch (caught) {
      setOutcome({ type: 'error', text: problemText(toApiError(caught)) });
    } finally {
      setBusy(null);
    }
  };

  const discard = async () => {
    if (!letter) return;
    setBusy('discard');
    setOutcome(null);
    try {
      await api<DeadLetter>(`/api/governance/dead-letters/${encodeURIComponent(letter.id)}/discard`, {
        method: 'POST',
        body: {},
      });
      setOutcome({ type: 'success', text: t('deadLetters.discarded') });
      detail.reload();
      onChanged();
    } catch (caught) {
      setOutcome({ type: 'error', text: problemText(toApiError(caught)) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Drawer
      open={id !== null}
      onClose={() => {
        setEdited(null);
        setOutcome(null);
        onClose();
      }}
      title={t('deadLetters.detail')}
      size={640}
      destroyOnHidden
    >
      {detail.error && <ProblemAlert error={detail.error} onRetry={detail.reload} />}
      {!letter && !detail.error && <Spin />}
      {letter && (
        <Flex vertical gap={12} data-testid="dead-letter-detail">
          <Flex gap={8} wrap="wrap" align="center">
            <Tag>{t(`deadLetterStatus.${letter.status}`)}</Tag>
            <Typography.Text>{letter.sourceName ?? t('common.none')}</Typography.Text>
            <Typography.Text type="secondary" className="mono">
              {formatDateTime(letter.receivedAt)}
            </Typography.Text>
          </Flex>
          <Alert type="error" title={letter.reason} />
          {letter.topic && (
            <Typography.Text className="mono">
              {t('deadLetters.topic')}：{letter.topic}
            </Typography.Text>
          )}
          {letter.replayResult && (
            <Typography.Text>
              {t('deadLetters.replayResult')}：{letter.replayResult}
            </Typography.Text>
          )}
          <Typography.Text strong>{t('deadLetters.payload')}</Typography.Text>
          <Typography.Text type="secondary">{t('deadLetters.payloadHelp')}</Typography.Text>
          <Input.TextArea
            value={payload}
            onChange={(event) => {
              setEdited(event.target.value);
            }}
            autoSize={{ minRows: 10, maxRows: 28 }}
            className="mono payload-editor"
            spellCheck={false}
            disabled={letter.status !== 'open'}
            aria-label={t('deadLetters.payload')}
            data-testid="dead-letter-payload"
          />
          {outcome && (
            <Alert
              type={outcome.type}
              showIcon
              title={outcome.text}
              role="status"
              data-testid="dead-letter-outcome"
            />
          )}
          {letter.status === 'open' && (
            <Flex gap={8} justify="end">
              <Popconfirm
                title={t('deadLetters.discardConfirm')}
                onConfirm={() => void discard()}
                okText={t('deadLetters.discard')}
                cancelText={t('common.cancel')}
              >
                <Button
                  danger
                  loading={busy === 'discard'}
                  disabled={busy === 'replay'}
                  data-testid="dead-letter-discard"
                >
                  {t('deadLetters.discard')}
                </Button>
              </Popconfirm>
              <Button
                type="primary"
                onClick={() => void replay()}
                loading={busy === 'replay'}
                disabled={busy === 'discard'}
                data-testid="dead-letter-replay"
              >
                {t('deadLetters.replay')}
              </Button>
            </Flex>
          )}
        </Flex>
      )}
    </Drawer>
  );
}

function DeadLettersTab() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<DeadLetterStatus | undefined>('open');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const list = useApi<Paged<DeadLetter>>(
    `/api/governance/dead-letters${toQuery({ status, page, pageSize: 20 })}`,
  );

  const columns: TableProps<DeadLetter>['columns'] = [
    {
      key: 'receivedAt',
      title: t('deadLetters.receivedAt'),
      width: 170,
      render: (_, letter) => <span className="mono">{formatDateTime(letter.receivedAt)}</span>,
    },
    {
      key: 'source',
      title: t('deadLetters.source'),
      width: 180,
      render: (_, letter) => (
        <Flex vertical gap={2}>
          <span>{letter.sourceName ?? t('common.none')}</span>
          <Typography.Text type="secondary" className="muted-small">
            {letter.channel}
            {letter.topic ? ` · ${letter.topic}` : ''}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'reason', title: t('deadLetters.reason'), dataIndex: 'reason' },
    {
      key: 'status',
      title: t('deadLetters.status'),
      width: 100,
      render: (_, letter) => (
        <Tag color={letter.status === 'open' ? 'error' : 'default'}>
          {t(`deadLetterStatus.${letter.status}`)}
        </Tag>
      ),
    },
    {
      key: 'view',
      title: '',
      width: 80,
      render: (_, letter) => (
        <Button
          size="small"
          onClick={() => {
            setOpen(letter.id);
          }}
          data-testid="dead-letter-view"
        >
          {t('deadLetters.view')}
        </Button>
      ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} align="center" wrap="wrap">
        <Select<DeadLetterStatus>
          allowClear
          placeholder={t('deadLetters.allStatuses')}
          aria-label={t('deadLetters.status')}
          value={status}
          options={(['open', 'replayed', 'discarded'] as const).map((value) => ({
            value,
            label: t(`deadLetterStatus.${value}`),
          }))}
          onChange={(value: DeadLetterStatus | undefined) => {
            setStatus(value);
            setPage(1);
          }}
          style={{ width: 160 }}
          data-testid="dead-letter-status"
        />
        <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.loading}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <div data-testid="dead-letters-table">
        <Table<DeadLetter>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          locale={{ emptyText: t('deadLetters.empty') }}
          pagination={{
            current: page,
            pageSize: 20,
            total: list.data?.total ?? 0,
            showTotal: (total) => t('deadLetters.total', { total }),
          }}
          onChange={(pagination) => {
            setPage(pagination.current ?? 1);
          }}
        />
      </div>
      <DeadLetterDrawer
        id={open}
        onClose={() => {
          setOpen(null);
        }}
        onChanged={list.reload}
      />
    </Flex>
  );
}

function UnknownDevicesTab() {
  const { t } = useTranslation();
  const list = useApi<UnknownDevice[]>('/api/governance/unknown-devices');
  const columns: TableProps<UnknownDevice>['columns'] = [
    {
      key: 'deviceCode',
      title: t('unknownDevices.deviceCode'),
      width: 170,
      render: (_, device) => <span className="mono">{device.deviceCode}</span>,
    },
    { key: 'source', title: t('unknownDevices.source'), dataIndex: 'sourceName', width: 160 },
    {
      key: 'messages',
      title: t('unknownDevices.messages'),
      dataIndex: 'messageCount',
      width: 90,
      align: 'right',
    },
    {
      key: 'firstSeen',
      title: t('unknownDevices.firstSeen'),
      width: 170,
      render: (_, device) => <span className="mono">{formatDateTime(device.firstSeenAt)}</span>,
    },
    {
      key: 'lastSeen',
      title: t('unknownDevices.lastSeen'),
      width: 170,
      render: (_, device) => <span className="mono">{formatDateTime(device.lastSeenAt)}</span>,
    },
    {
      key: 'lastPayload',
      title: t('unknownDevices.lastPayload'),
      render: (_, device) => (
        <Typography.Text
          className="mono muted-small"
          ellipsis={{ tooltip: device.lastPayload }}
          style={{ maxWidth: 360 }}
        >
          {device.lastPayload}
        </Typography.Text>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Alert type="info" showIcon title={t('unknownDevices.hint')} />
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <div data-testid="unknown-devices-table">
        <Table<UnknownDevice>
          rowKey={(device) => `${device.sourceName}:${device.deviceCode}`}
          size="small"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.loading}
          locale={{ emptyText: t('unknownDevices.empty') }}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
        />
      </div>
    </Flex>
  );
}

const TABS = ['sources', 'dead-letters', 'unknown-devices'] as const;
type TabKey = (typeof TABS)[number];

/** 数据源: where events come from and how healthy each feed is; what could not be processed and why. */
export default function SourcesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  useDocumentTitle(t('sources.title'));
  const requested = params.get('tab');
  const tab: TabKey = TABS.find((key) => key === requested) ?? 'sources';
  const canManage = me.roles.some((role) => role.role === 'tenant_admin');

  return (
    <div className="page">
      <Typography.Title level={3} className="page-heading">
        {t('sources.title')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => {
          setParams(key === 'sources' ? {} : { tab: key });
        }}
        destroyOnHidden
        items={[
          { key: 'sources', label: t('sources.tabSources'), children: <SourcesTab canManage={canManage} /> },
          { key: 'dead-letters', label: t('sources.tabDeadLetters'), children: <DeadLettersTab /> },
          { key: 'unknown-devices', label: t('sources.tabUnknown'), children: <UnknownDevicesTab /> },
        ]}
      />
    </div>
  );
}
