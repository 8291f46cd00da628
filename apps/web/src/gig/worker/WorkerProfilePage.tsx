import { AimOutlined } from '@ant-design/icons';
import type { WorkerProfile, WorkerProfileUpdate } from '@jiedao/contracts';
import { Alert, Button, Card, Descriptions, Form, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { showFieldErrors } from '../formErrors';
import { gigApi } from '../gigApi';
import { locateReason, readPosition } from '../locate';
import type { LocateFailure } from '../geo';
import { profileToValues, toProfileUpdate, type WorkerProfileFormValues } from '../profileForm';
import { useAction } from '../useSubmission';
import { WorkerProfileFields } from '../WorkerProfileFields';

/** 我的资料: the worker's standing (reliability, rating, shifts) and the profile to edit. */
export function WorkerProfilePage({
  profile,
  onSaved,
}: {
  profile: WorkerProfile;
  onSaved: (profile: WorkerProfile) => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.profile.title'));
  const [form] = Form.useForm<WorkerProfileFormValues>();
  const notice = useNotice();
  const action = useAction();
  const [unchanged, setUnchanged] = useState(false);
  const [failure, setFailure] = useState<LocateFailure | null>(null);

  const patch = async (name: string, update: WorkerProfileUpdate, message: string) => {
    const outcome = await action.run(name, () =>
      gigApi<WorkerProfile>('/worker/profile', { method: 'PATCH', body: update }),
    );
    if (outcome.ok) {
      onSaved(outcome.value);
      form.setFieldsValue({ ...profileToValues(outcome.value), payoutName: '', payoutAccountNo: '' });
      notice.notify('success', message);
    } else {
      showFieldErrors(form, outcome.error, {
        categories: 'categories',
        skills: 'skills',
        home: 'home',
        radiusKm: 'radiusKm',
        weekHours: 'weekHours',
        name: 'payoutName',
        accountNo: 'payoutAccountNo',
      });
    }
  };

  const save = (values: WorkerProfileFormValues) => {
    const update = toProfileUpdate(values, profile);
    setUnchanged(update === null);
    if (update) void patch('save', update, t('gig.profile.saved'));
  };

  const updateCurrent = () => {
    setFailure(null);
    readPosition(15_000).then(
      (fix) => void patch('current', { current: fix.location }, t('gig.profile.currentSaved')),
      (reason: unknown) => {
        setFailure(locateReason(reason));
      },
    );
  };

  const standing: DescriptionsProps['items'] = [
    { key: 'name', label: t('gig.profile.name'), children: profile.name },
    {
      key: 'reliability',
      label: t('gig.profile.reliability'),
      children: t('gig.worker.reliability', { value: profile.reliability }),
    },
    {
      key: 'rating',
      label: t('gig.profile.rating'),
      children:
        profile.rating === null
          ? t('gig.worker.noRating')
          : t('gig.profile.ratingValue', { rating: profile.rating.toFixed(1), ratings: profile.ratingCount }),
    },
    { key: 'shifts', label: t('gig.profile.shiftsDone'), children: profile.shiftsDone },
    { key: 'noShows', label: t('gig.profile.noShows'), children: profile.noShows },
    {
      key: 'account',
      label: t('gig.profile.payout'),
      children: profile.payoutAccount ?? t('gig.profile.noAccount'),
    },
  ];

  return (
    <>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('gig.profile.title')}
      </Typography.Title>
      <Card className="mobile-card" data-testid="worker-standing">
        <Descriptions column={1} size="small" items={standing} />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('gig.profile.reliabilityHint')}
        </Typography.Paragraph>
        <Button
          icon={<AimOutlined />}
          size="large"
          onClick={updateCurrent}
          loading={action.busy === 'current'}
        >
          {t('gig.profile.updateCurrent')}
        </Button>
        {failure && (
          <Alert
            type="warning"
            showIcon
            role="status"
            title={t(`gig.location.failure.${failure}`)}
            style={{ marginTop: 8 }}
          />
        )}
      </Card>
      <Card className="mobile-card" title={t('gig.profile.edit')}>
        <Form<WorkerProfileFormValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={profileToValues(profile)}
          onFinish={save}
          onValuesChange={() => {
            setUnchanged(false);
          }}
          disabled={action.busy === 'save'}
          className="gig-form"
        >
          <WorkerProfileFields existingAccount={profile.payoutAccount} />
          {notice.node}
          {action.error && <ProblemAlert error={action.error} />}
          {unchanged && (
            <Alert type="info" showIcon title={t('gig.profile.unchanged')} style={{ marginBottom: 16 }} />
          )}
          <Button
            type="primary"
            htmlType="submit"
            size="large"
            block
            className="big-button"
            loading={action.busy === 'save'}
            data-testid="worker-profile-save"
          >
            {t('gig.profile.save')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
