import type { WorkerProfile } from '@jiedao/contracts';
import { Alert, Button, Card, Form, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { ProblemAlert } from '../../components/ProblemAlert';
import { gigApi } from '../gigApi';
import { defaultProfileValues, toProfileInput, type WorkerProfileFormValues } from '../profileForm';
import { refreshMe } from '../refreshMe';
import { useSubmission } from '../useSubmission';
import { WorkerProfileFields } from '../WorkerProfileFields';

/** 零工登记: a signed-in resident becomes a worker (real-name verification first). */
export function WorkerRegistration({ onRegistered }: { onRegistered: (profile: WorkerProfile) => void }) {
  const { t } = useTranslation();
  const { setMe } = useAuth();
  const [form] = Form.useForm<WorkerProfileFormValues>();
  const submission = useSubmission();
  const needsRealName = submission.error?.code === 'real_name_required';

  const submit = async (values: WorkerProfileFormValues) => {
    const input = toProfileInput(values);
    if (!input) return;
    const outcome = await submission.submit(input, (key) =>
      gigApi<WorkerProfile>('/worker/profile', { method: 'POST', body: input, idempotencyKey: key }),
    );
    if (outcome.ok) {
      refreshMe(setMe);
      onRegistered(outcome.value);
    }
  };

  return (
    <Card className="mobile-card" data-testid="worker-registration">
      <Typography.Title level={4}>{t('gig.register.workerTitle')}</Typography.Title>
      <Typography.Paragraph>{t('gig.register.workerIntro')}</Typography.Paragraph>
      <Form<WorkerProfileFormValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={defaultProfileValues()}
        onFinish={(values) => void submit(values)}
        disabled={submission.busy}
        className="gig-form"
      >
        <WorkerProfileFields />
        {needsRealName ? (
          <Alert
            type="warning"
            showIcon
            role="alert"
            title={t('gig.register.realNameTitle')}
            description={
              <span>
                {t('gig.register.realNameBody')} <Link to="/profile">{t('gig.register.realNameLink')}</Link>
              </span>
            }
            style={{ marginBottom: 16 }}
            data-testid="real-name-required"
          />
        ) : (
          submission.error && <ProblemAlert error={submission.error} />
        )}
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          className="big-button"
          loading={submission.busy}
          data-testid="worker-register-submit"
        >
          {t('gig.register.workerSubmit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16 }}>
        <Link to="/gig/employer">{t('gig.register.hireInstead')}</Link>
      </Typography.Paragraph>
    </Card>
  );
}
