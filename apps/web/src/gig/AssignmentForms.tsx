import type { Assignment, Dispute, DisputeRequest, RatingRequest } from '@jiedao/contracts';
import { Button, Flex, Form, Input, Rate, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../components/ProblemAlert';
import { useElderMode } from '../prefs/ElderMode';
import { gigApi } from './gigApi';
import { formatFen, parseYuan } from './money';
import { YuanInput } from './ui';
import { useSubmission } from './useSubmission';

/**
 * 申诉: a reason, and optionally the amount the raiser thinks is right. Inline, not a dialog. The answer
 * is the dispute, so the page refetches the shift (`onDone()` without a value).
 */
function DisputeForm({
  assignment,
  onDone,
  onCancel,
}: {
  assignment: Assignment;
  onDone: (updated?: Assignment) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [form] = Form.useForm<{ reason?: string; claimed?: string }>();

  const submit = async (values: { reason?: string; claimed?: string }) => {
    const claimedFen = parseYuan(values.claimed);
    const body: DisputeRequest = {
      reason: values.reason?.trim() ?? '',
      ...(values.claimed?.trim() && claimedFen !== null ? { claimedFen } : {}),
    };
    const outcome = await submission.submit({ id: assignment.id, ...body }, (key) =>
      gigApi<Dispute>(`/assignments/${encodeURIComponent(assignment.id)}/dispute`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) onDone();
  };

  return (
    <div className="gig-inline-panel" data-testid="dispute-form">
      <Typography.Text strong>{t('gig.dispute.title')}</Typography.Text>
      <Typography.Paragraph type="secondary">{t('gig.dispute.hint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
        <Form.Item
          name="reason"
          label={t('gig.dispute.reason')}
          rules={[{ required: true, whitespace: true, min: 2, message: t('gig.dispute.reasonRequired') }]}
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 6 }}
            maxLength={500}
            showCount
            data-testid="dispute-reason"
          />
        </Form.Item>
        <Form.Item
          name="claimed"
          label={t('gig.dispute.claimed')}
          extra={
            assignment.earnedFen !== null
              ? t('gig.dispute.claimedHintEarned', { earned: formatFen(assignment.earnedFen) })
              : t('gig.dispute.claimedHint')
          }
          rules={[
            {
              validator: (_, value: unknown) =>
                typeof value !== 'string' || !value.trim() || parseYuan(value) !== null
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('gig.money.invalid'))),
            },
          ]}
        >
          <YuanInput data-testid="dispute-claimed" />
        </Form.Item>
        {submission.error && <ProblemAlert error={submission.error} />}
        <Flex gap={8} wrap="wrap">
          <Button
            type="primary"
            danger
            htmlType="submit"
            size="large"
            loading={submission.busy}
            data-testid="dispute-submit"
          >
            {t('gig.dispute.submit')}
          </Button>
          <Button size="large" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </Flex>
      </Form>
    </div>
  );
}

/** 评价: stars and an optional comment, once per shift and side. */
function RatingForm({
  assignment,
  onDone,
  onCancel,
  about,
}: {
  assignment: Assignment;
  onDone: (updated: Assignment) => void;
  onCancel: () => void;
  /** Whom the stars are for, for the heading. */
  about: 'employer' | 'worker';
}) {
  const { t } = useTranslation();
  const { elder } = useElderMode();
  const submission = useSubmission();
  const [form] = Form.useForm<{ stars?: number; comment?: string }>();

  const submit = async (values: { stars?: number; comment?: string }) => {
    if (!values.stars) return;
    const comment = values.comment?.trim();
    const body: RatingRequest = { stars: values.stars, ...(comment ? { comment } : {}) };
    const outcome = await submission.submit({ id: assignment.id, ...body }, (key) =>
      gigApi<Assignment>(`/assignments/${encodeURIComponent(assignment.id)}/rating`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) onDone(outcome.value);
  };

  return (
    <div className="gig-inline-panel rate-box" data-testid="rating-form">
      <Typography.Text strong>
        {about === 'employer' ? t('gig.rating.titleEmployer') : t('gig.rating.titleWorker')}
      </Typography.Text>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
        <Form.Item
          name="stars"
          rules={[{ required: true, message: t('gig.rating.required') }]}
          style={{ marginBottom: 8 }}
        >
          <Rate
            className={elder ? 'rate-stars rate-stars-elder' : 'rate-stars'}
            aria-label={t('gig.rating.label')}
          />
        </Form.Item>
        <Form.Item name="comment" label={t('gig.rating.comment')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={200} />
        </Form.Item>
        {submission.error && <ProblemAlert error={submission.error} />}
        <Flex gap={8} wrap="wrap">
          <Button
            type="primary"
            htmlType="submit"
            size="large"
            loading={submission.busy}
            data-testid="rating-submit"
          >
            {t('gig.rating.submit')}
          </Button>
          <Button size="large" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </Flex>
      </Form>
    </div>
  );
}

/** The after-shift forms both sides open on a shift card: a dispute, or a rating of the other side. */
export function FollowUpForm({
  panel,
  assignment,
  about,
  done,
  onCancel,
}: {
  panel: string | null;
  assignment: Assignment;
  /** Whom the rating is about: the other side. */
  about: 'employer' | 'worker';
  /** The card's completion: closes the panel with a notice and takes the updated shift. */
  done: (message: string) => (updated?: Assignment) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  if (panel === 'dispute')
    return <DisputeForm assignment={assignment} onDone={done(t('gig.dispute.done'))} onCancel={onCancel} />;
  if (panel === 'rate')
    return (
      <RatingForm
        assignment={assignment}
        about={about}
        onDone={done(t('gig.rating.done'))}
        onCancel={onCancel}
      />
    );
  return null;
}

/** 评价 and 申诉, the follow-ups either side of a shift may open; each opens its {@link FollowUpForm}. */
export function FollowUpButtons({
  actions,
  onOpen,
  testIdPrefix,
}: {
  actions: readonly string[];
  onOpen: (panel: 'rate' | 'dispute') => void;
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {actions.includes('rate') && (
        <Button
          size="large"
          onClick={() => {
            onOpen('rate');
          }}
          data-testid={`${testIdPrefix}-rate`}
        >
          {t('gig.rating.open')}
        </Button>
      )}
      {actions.includes('dispute') && (
        <Button
          size="large"
          danger
          onClick={() => {
            onOpen('dispute');
          }}
          data-testid={`${testIdPrefix}-dispute`}
        >
          {t('gig.dispute.open')}
        </Button>
      )}
    </>
  );
}
