import type { EmployerProfile, MoneyRequest, TopUpResult } from '@jiedao/contracts';
import { Alert, Button, Flex, Form, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useProblemText } from '../../components/problemText';
import { gigApi } from '../gigApi';
import { fenToYuanText, formatFen, parseYuan } from '../money';
import { YuanInput } from '../ui';
import { useSubmission } from '../useSubmission';
import type { Balances } from './employerContext';

const MAX_FEN = 100_000_000;

/** A positive amount of at most ¥1,000,000.00 (the contract's limit on one request). */
function amountRule(messages: { invalid: string; range: string }) {
  return {
    validator: (_: unknown, value: unknown) => {
      const fen = typeof value === 'string' ? parseYuan(value) : null;
      if (fen === null) return Promise.reject(new Error(messages.invalid));
      if (fen < 1 || fen > MAX_FEN) return Promise.reject(new Error(messages.range));
      return Promise.resolve();
    },
  };
}

/**
 * 充值: money from the employer's bank into the market account (the bank is simulated). The
 * Idempotency-Key is required: a retry after "bank unavailable" or a lost answer sends the same key,
 * so the account is credited once.
 */
export function TopUpForm({
  initialFen,
  onDone,
  compact = false,
}: {
  initialFen?: number;
  onDone: (balances: Balances, amountFen: number) => void;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const submission = useSubmission();
  const [form] = Form.useForm<{ amount?: string }>();
  // What the box shows now: a retry sends this amount, not the one of the failed attempt.
  const amount = Form.useWatch('amount', form);

  const send = async (amountFen: number) => {
    const body: MoneyRequest = { amountFen };
    const outcome = await submission.submit(body, (key) =>
      gigApi<TopUpResult>('/employer/topups', { method: 'POST', body, idempotencyKey: key }),
    );
    if (outcome.ok) {
      form.resetFields();
      onDone(outcome.value.balances, outcome.value.amountFen);
    }
  };

  const bankDown = submission.error?.code === 'bank_unavailable' || submission.error?.status === 0;
  const pendingFen = parseYuan(amount);

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={initialFen ? { amount: fenToYuanText(initialFen, false) } : undefined}
      onFinish={(values) => {
        const fen = parseYuan(values.amount);
        if (fen !== null) void send(fen);
      }}
      disabled={submission.busy}
      data-testid="topup-form"
    >
      <Form.Item
        name="amount"
        label={t('gig.funds.topUpAmount')}
        rules={[amountRule({ invalid: t('gig.money.invalid'), range: t('gig.money.range') })]}
      >
        <YuanInput size="large" data-testid="topup-amount" />
      </Form.Item>
      {bankDown && submission.error ? (
        <Alert
          type="warning"
          showIcon
          role="alert"
          title={problemText(submission.error)}
          description={
            <Flex vertical gap={8}>
              <span>{t('gig.funds.retrySafe')}</span>
              <Button
                type="primary"
                onClick={() => {
                  if (pendingFen !== null) void send(pendingFen);
                }}
                loading={submission.busy}
                data-testid="topup-retry"
              >
                {t('gig.funds.retry')}
              </Button>
            </Flex>
          }
          style={{ marginBottom: 16 }}
          data-testid="bank-unavailable"
        />
      ) : (
        submission.error && <ProblemAlert error={submission.error} />
      )}
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        block={!compact}
        className={compact ? undefined : 'big-button'}
        loading={submission.busy}
        data-testid="topup-submit"
      >
        {t('gig.funds.topUp')}
      </Button>
      {!compact && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('gig.funds.topUpHint')}
        </Typography.Paragraph>
      )}
    </Form>
  );
}

/** 工资保证金: move money from the available balance into the wage guarantee deposit. */
export function GuaranteeForm({
  available,
  onDone,
}: {
  available: number;
  onDone: (profile: EmployerProfile) => void;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [form] = Form.useForm<{ amount?: string }>();

  const submit = async (amountFen: number) => {
    const body: MoneyRequest = { amountFen };
    const outcome = await submission.submit(body, (key) =>
      gigApi<EmployerProfile>('/employer/guarantee', { method: 'POST', body, idempotencyKey: key }),
    );
    if (outcome.ok) {
      form.resetFields();
      onDone(outcome.value);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      onFinish={(values) => {
        const fen = parseYuan(values.amount);
        if (fen !== null) void submit(fen);
      }}
      disabled={submission.busy}
      data-testid="guarantee-form"
    >
      <Form.Item
        name="amount"
        label={t('gig.funds.guaranteeAmount')}
        extra={t('gig.funds.availableNow', { amount: formatFen(available) })}
        rules={[
          amountRule({ invalid: t('gig.money.invalid'), range: t('gig.money.range') }),
          {
            validator: (_, value: unknown) => {
              const fen = typeof value === 'string' ? parseYuan(value) : null;
              return fen !== null && fen > available
                ? Promise.reject(new Error(t('gig.funds.moreThanAvailable')))
                : Promise.resolve();
            },
          },
        ]}
      >
        <YuanInput size="large" data-testid="guarantee-amount" />
      </Form.Item>
      {submission.error && <ProblemAlert error={submission.error} />}
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        block
        className="big-button"
        loading={submission.busy}
        data-testid="guarantee-submit"
      >
        {t('gig.funds.deposit')}
      </Button>
    </Form>
  );
}
