import type { EmployerInput, EmployerProfile } from '@jiedao/contracts';
import { Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useProblemText } from '../../components/problemText';
import { gigApi } from '../gigApi';
import { refreshMe } from '../refreshMe';
import { TileSelect } from '../ui';
import { useSubmission } from '../useSubmission';

interface Values {
  kind?: 'person' | 'business';
  name?: string;
  uscc?: string;
}

/** 用工登记: a person hiring for themselves, or a business with its unified social credit code. */
export function EmployerRegistration({ onRegistered }: { onRegistered: (profile: EmployerProfile) => void }) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const { setMe } = useAuth();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form);
  const submission = useSubmission();

  const submit = async (values: Values) => {
    const business = values.kind === 'business';
    const body: EmployerInput = {
      kind: business ? 'business' : 'person',
      name: values.name?.trim() ?? '',
      ...(business ? { uscc: (values.uscc ?? '').trim().toUpperCase() } : {}),
    };
    const outcome = await submission.submit(body, (key) =>
      gigApi<EmployerProfile>('/employer/profile', { method: 'POST', body, idempotencyKey: key }),
    );
    if (outcome.ok) {
      refreshMe(setMe);
      onRegistered(outcome.value);
    } else if (outcome.error.code === 'invalid_uscc') {
      // The server says which check failed (length, characters, check digit): show it under the field.
      form.setFields([{ name: 'uscc', errors: [problemText(outcome.error)] }]);
    }
  };

  return (
    <Card className="mobile-card" data-testid="employer-registration">
      <Typography.Title level={4}>{t('gig.register.employerTitle')}</Typography.Title>
      <Typography.Paragraph>{t('gig.register.employerIntro')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ kind: 'person' }}
        onFinish={(values) => void submit(values)}
        disabled={submission.busy}
        className="gig-form"
      >
        <Form.Item name="kind" label={t('gig.register.kind')}>
          <TileSelect
            options={[
              { value: 'person', label: t('gig.register.kindPerson') },
              { value: 'business', label: t('gig.register.kindBusiness') },
            ]}
            label={t('gig.register.kind')}
            testIdPrefix="employer-kind"
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={kind === 'business' ? t('gig.register.businessName') : t('gig.register.personName')}
          rules={[{ required: true, whitespace: true, min: 2, message: t('gig.register.nameRequired') }]}
        >
          <Input size="large" maxLength={60} data-testid="employer-name" />
        </Form.Item>
        {kind === 'business' && (
          <Form.Item
            name="uscc"
            label={t('gig.register.uscc')}
            extra={t('gig.register.usccHint')}
            normalize={(value: unknown) =>
              typeof value === 'string' ? value.toUpperCase().replace(/\s/g, '') : value
            }
            rules={[
              { required: true, message: t('gig.register.usccRequired') },
              { len: 18, message: t('gig.register.usccLength') },
            ]}
          >
            <Input
              size="large"
              maxLength={18}
              className="mono"
              autoComplete="off"
              data-testid="employer-uscc"
            />
          </Form.Item>
        )}
        {submission.error && submission.error.code !== 'invalid_uscc' && (
          <ProblemAlert error={submission.error} />
        )}
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          className="big-button"
          loading={submission.busy}
          data-testid="employer-register-submit"
        >
          {t('gig.register.employerSubmit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16 }}>
        <Link to="/gig/worker">{t('gig.register.workInstead')}</Link>
      </Typography.Paragraph>
    </Card>
  );
}
