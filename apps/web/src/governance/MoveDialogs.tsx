import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type {
  CaseDetail,
  CaseMove,
  CaseMoveRequest,
  DispatchOptions,
  DuplicateSuggestion,
} from '@jiedao/contracts';
import {
  Alert,
  Button,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Rate,
  Select,
  Spin,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/useApi';
import '../components/dayjsLocale';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime } from '../format';
import { orderUnits, toDispatchTargets, type DispatchRow, type TargetValue } from './dispatch';
import { SeverityTag, StageTag } from './ui';
import { useGovLabels } from './useGovLabels';

/**
 * Sends a move; resolves with `null` when it was done, or with the message saying why not, so a dialog
 * can stay open and show it next to the inputs the dispatcher may want to change.
 */
export type SendMove = (request: Omit<CaseMoveRequest, 'version'>) => Promise<string | null>;

function DialogError({ error }: { error: string | null }) {
  if (!error) return null;
  return <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />;
}

interface DispatchFormValues {
  targets: (Omit<DispatchRow, 'dueAt'> & { dueAt?: Dayjs | null })[];
  note?: string;
}

/**
 * 派遣 / 转派: one or more targets (joint dispatch), each a unit or a grid worker with its own
 * instructions and optional due time. The units the category suggests come first and the first of
 * them is preselected, so the common case is one click.
 */
export function DispatchDialog({
  detail,
  move,
  open,
  onClose,
  send,
}: {
  detail: CaseDetail;
  move: 'dispatch' | 'transfer';
  open: boolean;
  onClose: () => void;
  send: SendMove;
}) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const [form] = Form.useForm<DispatchFormValues>();
  const [error, setError] = useState<string | null>(null);
  const options = useApi<DispatchOptions>(
    open ? `/api/governance/cases/${encodeURIComponent(detail.id)}/dispatch-options` : null,
  );
  const rows = Form.useWatch('targets', form);

  const ordered = useMemo(
    () => (options.data ? orderUnits(options.data.units, options.data.suggestedUnitTypes) : []),
    [options.data],
  );
  const selectOptions = useMemo(() => {
    const unitOption = ({ unit }: (typeof ordered)[number]) => ({
      value: `unit:${unit.organisationId}` as TargetValue,
      label: `${unit.name}（${labels.unitType(unit.unitType)} · ${t('dispatch.openTasks', { tasks: unit.openTasks })}）`,
    });
    const groups = [
      { label: t('dispatch.suggested'), options: ordered.filter((entry) => entry.suggested).map(unitOption) },
      {
        label: t('dispatch.otherUnits'),
        options: ordered.filter((entry) => !entry.suggested).map(unitOption),
      },
      {
        label: t('dispatch.gridWorkers'),
        options: (options.data?.gridWorkers ?? []).map((worker) => ({
          value: `worker:${worker.accountId}` as TargetValue,
          label: `${worker.name}（${t('dispatch.openTasks', { tasks: worker.openTasks })}）`,
        })),
      },
    ];
    return groups.filter((group) => group.options.length > 0);
  }, [ordered, options.data, labels, t]);

  const firstSuggested = ordered.find((entry) => entry.suggested)?.unit;
  const initialValues: DispatchFormValues = {
    targets: [
      { target: firstSuggested ? `unit:${firstSuggested.organisationId}` : undefined, instructions: '' },
    ],
  };

  const submit = async (values: DispatchFormValues) => {
    const targets = toDispatchTargets(
      values.targets.map((row) => ({
        ...row,
        dueAt: row.dueAt ? row.dueAt.toISOString() : null,
      })),
    );
    const note = values.note?.trim();
    setError(null);
    const failure = await send({ move, targets, ...(note ? { note } : {}) });
    if (failure === null) onClose();
    else setError(failure);
  };

  const jointCount = (rows ?? []).filter((row) => row?.target).length;
  return (
    <Modal
      open={open}
      title={`${t(move === 'dispatch' ? 'dispatch.title' : 'dispatch.transferTitle')} · ${detail.number}`}
      onCancel={onClose}
      destroyOnHidden
      width={720}
      footer={null}
      data-testid="dispatch-dialog"
    >
      {options.error && <ProblemAlert error={options.error} onRetry={options.reload} />}
      {!options.data && !options.error && <Spin />}
      {options.data && (
        <Form<DispatchFormValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={initialValues}
          onFinish={(values) => void submit(values)}
          data-testid="dispatch-form"
        >
          <Form.List name="targets">
            {(fields, { add, remove }) => (
              <Flex vertical gap={8}>
                {fields.map((field, index) => (
                  <div key={field.key} className="dispatch-row" data-testid={`dispatch-row-${index}`}>
                    <Flex gap={8} align="start">
                      <Form.Item
                        name={[field.name, 'target']}
                        label={t('dispatch.target')}
                        rules={[{ required: true, message: t('dispatch.targetRequired') }]}
                        style={{ flex: 1, marginBottom: 8 }}
                      >
                        <Select
                          showSearch={{ optionFilterProp: 'label' }}
                          options={selectOptions}
                          data-testid={`dispatch-target-${index}`}
                        />
                      </Form.Item>
                      <Form.Item
                        name={[field.name, 'dueAt']}
                        label={t('dispatch.dueAt')}
                        tooltip={t('dispatch.dueHint')}
                        style={{ width: 210, marginBottom: 8 }}
                      >
                        <DatePicker
                          showTime={{ format: 'HH:mm' }}
                          format="YYYY-MM-DD HH:mm"
                          disabledDate={(day) => day.isBefore(dayjs(), 'day')}
                          style={{ width: '100%' }}
                        />
                      </Form.Item>
                      {fields.length > 1 && (
                        <Button
                          icon={<DeleteOutlined />}
                          aria-label={t('dispatch.removeTarget')}
                          title={t('dispatch.removeTarget')}
                          onClick={() => {
                            remove(field.name);
                          }}
                          style={{ marginTop: 30 }}
                        />
                      )}
                    </Flex>
                    <Form.Item name={[field.name, 'instructions']} style={{ marginBottom: 0 }}>
                      <Input.TextArea
                        autoSize={{ minRows: 1, maxRows: 4 }}
                        maxLength={1000}
                        placeholder={`${t('dispatch.instructions')}：${t('dispatch.instructionsPlaceholder')}`}
                        aria-label={t('dispatch.instructions')}
                        data-testid={`dispatch-instructions-${index}`}
                      />
                    </Form.Item>
                  </div>
                ))}
                {fields.length < 10 && (
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => {
                      add({ instructions: '' });
                    }}
                    data-testid="dispatch-add-target"
                  >
                    {t('dispatch.addTarget')}
                  </Button>
                )}
              </Flex>
            )}
          </Form.List>
          {jointCount > 1 && (
            <Alert
              type="info"
              showIcon
              title={t('dispatch.joint', { targets: jointCount })}
              style={{ marginTop: 12 }}
            />
          )}
          <Form.Item name="note" label={t('dispatch.note')} style={{ marginTop: 12 }}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} />
          </Form.Item>
          <DialogError error={error} />
          <Flex justify="end" gap={8}>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" htmlType="submit" data-testid="dispatch-submit">
              {t(move === 'dispatch' ? 'dispatch.submit' : 'dispatch.transferTitle')}
            </Button>
          </Flex>
        </Form>
      )}
    </Modal>
  );
}

/** 标记重复: the server's suggestions (same category, nearby, close in time), each with a merge button. */
export function DuplicateDialog({
  detail,
  open,
  onClose,
  send,
}: {
  detail: CaseDetail;
  open: boolean;
  onClose: () => void;
  send: SendMove;
}) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const suggestions = useApi<DuplicateSuggestion[]>(
    open ? `/api/governance/cases/${encodeURIComponent(detail.id)}/duplicates` : null,
  );
  const [error, setError] = useState<string | null>(null);
  const merge = async (id: string) => {
    setError(null);
    const failure = await send({ move: 'mark_duplicate', duplicateOf: id });
    if (failure === null) onClose();
    else setError(failure);
  };
  return (
    <Modal
      open={open}
      title={`${t('duplicate.title')} · ${detail.number}`}
      onCancel={onClose}
      destroyOnHidden
      width={680}
      footer={null}
      data-testid="duplicate-dialog"
    >
      <DialogError error={error} />
      {suggestions.error && <ProblemAlert error={suggestions.error} onRetry={suggestions.reload} />}
      {!suggestions.data && !suggestions.error && <Spin />}
      {suggestions.data && suggestions.data.length === 0 && <Empty description={t('duplicate.none')} />}
      {suggestions.data && suggestions.data.length > 0 && (
        <Flex vertical gap={12}>
          <Typography.Text>{t('duplicate.intro')}</Typography.Text>
          {suggestions.data.map((suggestion) => (
            <div key={suggestion.case.id} className="duplicate-item" data-testid="duplicate-suggestion">
              <Flex justify="space-between" align="center" gap={12} wrap="wrap">
                <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }}>
                  <Typography.Text strong>
                    <span className="mono">{suggestion.case.number}</span> {suggestion.case.title}
                  </Typography.Text>
                  <Flex gap={6} wrap="wrap" align="center">
                    <StageTag stage={suggestion.case.stage} />
                    <SeverityTag severity={suggestion.case.severity} />
                    <Typography.Text type="secondary">
                      {labels.category(suggestion.case.category)} ·{' '}
                      {t('duplicate.distance', { meters: Math.round(suggestion.distanceM) })} ·{' '}
                      {t('duplicate.minutesApart', { minutes: Math.round(suggestion.minutesApart) })} ·{' '}
                      {formatDateTime(suggestion.case.createdAt)}
                    </Typography.Text>
                  </Flex>
                  {suggestion.case.address && (
                    <Typography.Text type="secondary">{suggestion.case.address}</Typography.Text>
                  )}
                </Flex>
                <Button onClick={() => void merge(suggestion.case.id)} data-testid="duplicate-merge">
                  {t('duplicate.merge')}
                </Button>
              </Flex>
            </div>
          ))}
        </Flex>
      )}
    </Modal>
  );
}

/** Moves that must say why (退回, 挂起, 重新办理) and 评价 on a resident's behalf (with the stars). */
export const MOVES_WITH_NOTE: ReadonlySet<CaseMove> = new Set(['return', 'suspend', 'reopen', 'evaluate']);

export function MoveNoteDialog({
  detail,
  move,
  open,
  onClose,
  send,
}: {
  detail: CaseDetail;
  move: CaseMove;
  open: boolean;
  onClose: () => void;
  send: SendMove;
}) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const [form] = Form.useForm<{ note?: string; rating?: number }>();
  const [error, setError] = useState<string | null>(null);
  const evaluate = move === 'evaluate';
  const submit = async (values: { note?: string; rating?: number }) => {
    const note = values.note?.trim();
    const request: Omit<CaseMoveRequest, 'version'> = { move, ...(note ? { note } : {}) };
    if (evaluate && values.rating) request.rating = values.rating;
    setError(null);
    const failure = await send(request);
    if (failure === null) onClose();
    else setError(failure);
  };
  return (
    <Modal
      open={open}
      title={`${labels.move(move)} · ${detail.number}`}
      onCancel={onClose}
      destroyOnHidden
      footer={null}
      data-testid="move-dialog"
    >
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
        {evaluate && (
          <Form.Item
            name="rating"
            label={t('caseDetail.evaluateRating')}
            rules={[{ required: true, message: t('myReports.ratingRequired') }]}
          >
            <Rate />
          </Form.Item>
        )}
        <Form.Item
          name="note"
          label={t('caseDetail.moveNote')}
          rules={
            evaluate ? [] : [{ required: true, whitespace: true, message: t('caseDetail.moveNoteRequired') }]
          }
        >
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={2000}
            placeholder={t('caseDetail.moveNotePlaceholder')}
            data-testid="move-note"
          />
        </Form.Item>
        <DialogError error={error} />
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" data-testid="move-confirm">
            {labels.move(move)}
          </Button>
        </Flex>
      </Form>
    </Modal>
  );
}
