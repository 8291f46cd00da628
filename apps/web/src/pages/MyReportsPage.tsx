import { EditOutlined, ReloadOutlined } from '@ant-design/icons';
import type { EvaluateRequest, MyReport } from '@jiedao/contracts';
import { Alert, Button, Card, Empty, Flex, Form, Input, Rate, Spin, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, toApiError } from '../api/client';
import { useApi } from '../api/useApi';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemText } from '../components/problemText';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { formatDateTime } from '../format';
import { reportProgress } from '../governance/reports';
import { useGovLabels } from '../governance/useGovLabels';
import { useElderMode } from '../prefs/ElderMode';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

const STAR_KEYS = [
  'myReports.star1',
  'myReports.star2',
  'myReports.star3',
  'myReports.star4',
  'myReports.star5',
] as const;

/** Rating a finished report: stars and an optional comment, inline (no dialog), with the chosen word shown. */
function RateForm({ report, onRated }: { report: MyReport; onRated: (report: MyReport) => void }) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const { elder } = useElderMode();
  const [form] = Form.useForm<{ rating?: number; comment?: string }>();
  const rating = Form.useWatch('rating', form);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const starWord = rating ? t(STAR_KEYS[rating - 1] ?? 'myReports.star3') : null;

  const submit = async (values: { rating?: number; comment?: string }) => {
    if (!values.rating) return;
    setSubmitting(true);
    setError(null);
    const comment = values.comment?.trim();
    const body: EvaluateRequest = { rating: values.rating, ...(comment ? { comment } : {}) };
    try {
      onRated(
        await api<MyReport>(`/api/governance/my-reports/${encodeURIComponent(report.id)}/evaluation`, {
          method: 'POST',
          body,
        }),
      );
    } catch (caught) {
      setError(problemText(toApiError(caught)));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="rate-box" data-testid="rate-form">
      <Typography.Text strong>{t('myReports.rateTitle')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ margin: '4px 0 8px' }}>
        {t('myReports.rateHint')}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void submit(values)}
        disabled={submitting}
      >
        <Form.Item
          name="rating"
          rules={[{ required: true, message: t('myReports.ratingRequired') }]}
          style={{ marginBottom: 8 }}
        >
          <Rate
            className={elder ? 'rate-stars rate-stars-elder' : 'rate-stars'}
            aria-label={t('myReports.rating')}
            data-testid="rate-stars"
          />
        </Form.Item>
        {starWord && (
          <Typography.Paragraph strong data-testid="rate-word">
            {starWord}
          </Typography.Paragraph>
        )}
        <Form.Item name="comment" label={t('myReports.comment')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} data-testid="rate-comment" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} />}
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          className="big-button"
          loading={submitting}
          data-testid="rate-submit"
        >
          {t('myReports.rateSubmit')}
        </Button>
      </Form>
    </div>
  );
}

function ReportCard({
  report,
  onRated,
  thanked,
}: {
  report: MyReport;
  onRated: (report: MyReport) => void;
  thanked: boolean;
}) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  // A duplicate follows the case it was merged into.
  const stage = report.duplicateOf?.stage ?? report.stage;
  const progress = reportProgress(stage);
  return (
    <Card
      className="mobile-card report-card"
      data-testid="my-report"
      data-case-number={report.number}
      data-stage={report.stage}
    >
      <Flex vertical gap={12}>
        <Flex justify="space-between" align="start" gap={8}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {report.title}
          </Typography.Title>
          <Tag data-testid="my-report-stage">{labels.stage(stage)}</Tag>
        </Flex>
        <Typography.Text type="secondary">
          {labels.category(report.category)} · <span className="mono">{report.number}</span>
        </Typography.Text>
        <Typography.Text>
          {t('myReports.submittedAt')}：{formatDateTime(report.createdAt)}
        </Typography.Text>
        {report.duplicateOf && (
          <Alert
            type="info"
            showIcon
            title={t('myReports.duplicateOf', { number: report.duplicateOf.number })}
          />
        )}
        <Steps
          size="small"
          type="dot"
          responsive={false}
          titlePlacement="vertical"
          current={progress.step}
          status={progress.paused ? 'error' : progress.step === 2 ? 'finish' : 'process'}
          items={[
            { title: t('myReports.stepReceived') },
            { title: progress.paused ? t('myReports.suspended') : t('myReports.stepHandling') },
            { title: t('myReports.stepDone') },
          ]}
          aria-label={t('myReports.progress')}
          className="report-steps"
        />
        {report.lastUpdate && (
          <div className="report-update" data-testid="my-report-update">
            <Typography.Text type="secondary">
              {t('myReports.lastUpdate')} · {formatDateTime(report.lastUpdate.at)}
            </Typography.Text>
            <Typography.Paragraph style={{ margin: 0 }}>
              {labels.action(report.lastUpdate.action)}
              {report.lastUpdate.note ? `：${report.lastUpdate.note}` : ''}
            </Typography.Paragraph>
          </div>
        )}
        {report.closedAt && (
          <Typography.Text>
            {t('myReports.closedAt')}：{formatDateTime(report.closedAt)}
          </Typography.Text>
        )}
        {thanked && (
          <Alert
            type="success"
            showIcon
            title={t('myReports.thanks')}
            role="status"
            data-testid="rate-thanks"
          />
        )}
        {report.rating !== null && (
          <Typography.Text strong data-testid="my-report-rating">
            {t('myReports.rated', { stars: report.rating })}
          </Typography.Text>
        )}
        {report.canRate && report.rating === null && <RateForm report={report} onRated={onRated} />}
      </Flex>
    </Card>
  );
}

/** 我的报事: the resident's reports with where they are in the loop, and the rating once handled. */
export default function MyReportsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  useDocumentTitle(t('myReports.title'));
  const list = useApi<MyReport[]>('/api/governance/my-reports');
  // Reports rated on this page, as the server answered: they replace the listed ones until a reload.
  const [rated, setRated] = useState<ReadonlyMap<string, MyReport>>(new Map());
  const [thanked, setThanked] = useState<string | null>(null);
  const reports = list.data?.map((report) => rated.get(report.id) ?? report);

  const onRated = (updated: MyReport) => {
    setRated((current) => new Map(current).set(updated.id, updated));
    setThanked(updated.id);
  };

  return (
    <div className="mobile-page resident-page" data-testid="my-reports-page">
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('myReports.title')}
        </Typography.Title>
        <Flex gap={8}>
          <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.loading} size="large">
            {t('myReports.refresh')}
          </Button>
          <Button
            type="primary"
            icon={<EditOutlined />}
            size="large"
            onClick={() => void navigate('/report')}
          >
            {t('myReports.newReport')}
          </Button>
        </Flex>
      </Flex>
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      {!reports && !list.error && <Spin />}
      {reports && reports.length === 0 && <Empty description={t('myReports.empty')} />}
      <Flex vertical gap={16} data-testid="my-report-list">
        {reports?.map((report) => (
          <ReportCard key={report.id} report={report} onRated={onRated} thanked={thanked === report.id} />
        ))}
      </Flex>
    </div>
  );
}
