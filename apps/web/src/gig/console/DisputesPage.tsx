import type { Dispute, ResolveDisputeRequest } from '@jiedao/contracts';
import {
  Alert,
  Button,
  Checkbox,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Segmented,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { formatDateTime } from '../../format';
import { gigApi } from '../gigApi';
import { fenToYuanText, parseYuan } from '../money';
import { Money, YuanInput } from '../ui';
import { useSubmission } from '../useSubmission';
import { useFilteredPage } from '../useFilteredPage';

type Filter = 'open' | 'resolved' | 'all';
type Resolution = ResolveDisputeRequest['resolution'];

interface ResolveValues {
  resolution?: Resolution;
  amount?: string;
  fromGuarantee?: boolean;
  note?: string;
}

/** What the operator most likely pays: the claim, else what was earned, else the hold. */
function suggestedFen(dispute: Dispute): number {
  return dispute.claimedFen ?? dispute.earnedFen ?? dispute.holdFen;
}

function ResolveDialog({
  dispute,
  onClose,
  onResolved,
}: {
  dispute: Dispute;
  onClose: () => void;
  onResolved: (resolved: Dispute) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ResolveValues>();
  const resolution = Form.useWatch('resolution', form);
  const submission = useSubmission();

  const submit = async (values: ResolveValues) => {
    if (!values.resolution) return;
    const amountFen = parseYuan(values.amount);
    const body: ResolveDisputeRequest = {
      resolution: values.resolution,
      note: values.note?.trim() ?? '',
      ...(values.resolution !== 'dismiss' && amountFen !== null ? { amountFen } : {}),
      ...(values.resolution === 'pay' ? { fromGuarantee: values.fromGuarantee ?? false } : {}),
    };
    const outcome = await submission.submit({ id: dispute.id, ...body }, (key) =>
      gigApi<Dispute>(`/disputes/${encodeURIComponent(dispute.id)}/resolve`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) onResolved(outcome.value);
  };

  return (
    <Modal
      open
      title={t('gig.disputes.resolveTitle', { job: dispute.jobTitle })}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      width={640}
    >
      <Flex vertical gap={12}>
        <Typography.Paragraph style={{ margin: 0 }}>
          {t('common.labelValue', {
            label: t('gig.disputes.raisedBy', { side: t(`gig.disputes.side.${dispute.raisedBy}`) }),
            value: dispute.reason,
          })}
        </Typography.Paragraph>
        <Flex gap={16} wrap="wrap">
          <span>
            {t('gig.disputes.claimed')}{' '}
            {dispute.claimedFen === null ? t('common.none') : <Money fen={dispute.claimedFen} />}
          </span>
          <span>
            {t('gig.disputes.hold')} <Money fen={dispute.holdFen} />
          </span>
          <span>
            {t('gig.disputes.earned')}{' '}
            {dispute.earnedFen === null ? t('common.none') : <Money fen={dispute.earnedFen} />}
          </span>
          <span>
            {t('gig.disputes.paid')}{' '}
            {dispute.paidFen === null ? t('common.none') : <Money fen={dispute.paidFen} />}
          </span>
        </Flex>
        <Form<ResolveValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{
            resolution: 'pay',
            amount: fenToYuanText(suggestedFen(dispute), false),
            fromGuarantee: false,
          }}
          onFinish={(values) => void submit(values)}
          disabled={submission.busy}
          data-testid="resolve-form"
        >
          <Form.Item name="resolution" label={t('gig.disputes.resolution')}>
            <Radio.Group
              optionType="button"
              options={(['pay', 'refund', 'dismiss'] as const).map((value) => ({
                value,
                label: t(`gig.resolution.${value}`),
              }))}
            />
          </Form.Item>
          {resolution !== 'dismiss' && (
            <Form.Item
              name="amount"
              label={resolution === 'refund' ? t('gig.disputes.refundAmount') : t('gig.disputes.payAmount')}
              extra={resolution === 'refund' ? t('gig.disputes.refundHint') : t('gig.disputes.payHint')}
              rules={[
                {
                  validator: (_, value: unknown) =>
                    typeof value === 'string' && parseYuan(value) !== null
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('gig.money.invalid'))),
                },
              ]}
            >
              <YuanInput style={{ maxWidth: 220 }} data-testid="resolve-amount" />
            </Form.Item>
          )}
          {resolution === 'pay' && (
            <Form.Item
              name="fromGuarantee"
              valuePropName="checked"
              extra={t('gig.disputes.fromGuaranteeHint')}
            >
              <Checkbox>{t('gig.disputes.fromGuarantee')}</Checkbox>
            </Form.Item>
          )}
          <Form.Item
            name="note"
            label={t('gig.disputes.note')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('gig.disputes.noteRequired') }]}
          >
            <Input.TextArea
              autoSize={{ minRows: 2, maxRows: 5 }}
              maxLength={500}
              showCount
              data-testid="resolve-note"
            />
          </Form.Item>
          {submission.error && <ProblemAlert error={submission.error} />}
          <Flex gap={8} justify="flex-end">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={submission.busy} data-testid="resolve-submit">
              {t('gig.disputes.resolve')}
            </Button>
          </Flex>
        </Form>
      </Flex>
    </Modal>
  );
}

const FILTERS: readonly Filter[] = ['open', 'resolved', 'all'];

/** 纠纷处理: disputes raised by workers or employers, and their resolution (pay, refund, dismiss). */
export function DisputesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.disputes.title'));
  const notice = useNotice();
  const { filter, list, setFilter, pagination } = useFilteredPage<Dispute, Filter>(
    '/disputes',
    'state',
    FILTERS,
    'open',
  );
  const [resolving, setResolving] = useState<Dispute | null>(null);

  const columns: TableProps<Dispute>['columns'] = [
    {
      key: 'createdAt',
      title: t('gig.disputes.createdAt'),
      width: 170,
      render: (_, row) => <span className="mono">{formatDateTime(row.createdAt)}</span>,
    },
    {
      key: 'job',
      title: t('gig.disputes.job'),
      width: 220,
      render: (_, row) => (
        <Flex vertical gap={2}>
          <span>{row.jobTitle}</span>
          <span className="muted-small">
            {row.employerName} · {row.workerName}
          </span>
        </Flex>
      ),
    },
    {
      key: 'raisedBy',
      title: t('gig.disputes.raisedByColumn'),
      width: 100,
      render: (_, row) => <Tag>{t(`gig.disputes.side.${row.raisedBy}`)}</Tag>,
    },
    { key: 'reason', title: t('gig.disputes.reason'), render: (_, row) => row.reason },
    {
      key: 'money',
      title: t('gig.disputes.money'),
      width: 200,
      render: (_, row) => (
        <Flex vertical gap={2} className="muted-small">
          <span>
            {t('gig.disputes.claimed')}{' '}
            {row.claimedFen === null ? t('common.none') : <Money fen={row.claimedFen} />}
          </span>
          <span>
            {t('gig.disputes.hold')} <Money fen={row.holdFen} />
          </span>
          <span>
            {t('gig.disputes.earned')}{' '}
            {row.earnedFen === null ? t('common.none') : <Money fen={row.earnedFen} />}
          </span>
        </Flex>
      ),
    },
    {
      key: 'state',
      title: t('gig.disputes.state'),
      width: 220,
      render: (_, row) =>
        row.state === 'open' ? (
          <Button type="primary" size="small" onClick={() => setResolving(row)} data-testid="dispute-resolve">
            {t('gig.disputes.resolve')}
          </Button>
        ) : (
          <Flex vertical gap={2}>
            <span>
              <Tag color="green">
                {row.resolution ? t(`gig.resolution.${row.resolution}`) : t('gig.disputes.resolved')}
              </Tag>
              {row.amountFen !== null && <Money fen={row.amountFen} />}
              {row.fromGuarantee && <Tag color="gold">{t('gig.disputes.guaranteeUsed')}</Tag>}
            </span>
            {row.resolutionNote && <span className="muted-small">{row.resolutionNote}</span>}
            {row.resolvedAt && <span className="muted-small mono">{formatDateTime(row.resolvedAt)}</span>}
          </Flex>
        ),
    },
  ];

  return (
    <div>
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.disputes.title')}
        </Typography.Title>
        <Segmented<Filter>
          value={filter}
          onChange={(value) => {
            setFilter(value);
          }}
          options={[
            { value: 'open', label: t('gig.disputes.open') },
            { value: 'resolved', label: t('gig.disputes.resolved') },
            { value: 'all', label: t('gig.common.all') },
          ]}
          data-testid="disputes-filter"
        />
      </Flex>
      {notice.node}
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      {filter === 'open' && list.data && list.data.total > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('gig.disputes.openCount', { disputes: list.data.total })}
          style={{ marginBottom: 16 }}
        />
      )}
      <div data-testid="disputes-table">
        <Table<Dispute>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('gig.disputes.empty') }}
          pagination={pagination}
        />
      </div>
      {resolving && (
        <ResolveDialog
          dispute={resolving}
          onClose={() => setResolving(null)}
          onResolved={() => {
            setResolving(null);
            notice.notify('success', t('gig.disputes.resolvedDone'));
            list.reload();
          }}
        />
      )}
    </div>
  );
}
