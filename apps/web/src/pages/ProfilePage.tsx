import { CheckCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import type {
  ChangePasswordRequest,
  Consent,
  GrantConsentRequest,
  Me,
  VerifyRealNameRequest,
} from '@jiedao/contracts';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { DescriptionsProps, TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import { useApi } from '../api/useApi';
import { useAuth, useMe } from '../auth/AuthContext';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemText } from '../components/problemText';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useLabels } from '../components/useLabels';
import { useNotice } from '../components/useNotice';
import { CONSENT_PURPOSES, distinctRoles, PII_FIELDS } from '../domain';
import { formatDateTime } from '../format';
import { useElderMode } from '../prefs/ElderMode';

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ status: 0, code: 'network_error', detail: '' });
}

function MyDetails({ me }: { me: Me }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const verified = me.realNameStatus === 'verified';
  const none = t('common.none');
  const items: DescriptionsProps['items'] = [
    { key: 'name', label: t('profile.name'), children: me.name },
    { key: 'phone', label: t('profile.phone'), children: <span className="mono">{me.phoneMasked}</span> },
    {
      key: 'realName',
      label: t('profile.realName'),
      children: verified ? (
        <Tag icon={<CheckCircleFilled />} color="success" data-testid="realname-status">
          {t('profile.verified')}
        </Tag>
      ) : (
        <Tag icon={<ExclamationCircleFilled />} color="warning" data-testid="realname-status">
          {t('profile.unverified')}
        </Tag>
      ),
    },
    {
      key: 'idNumber',
      label: t('profile.idNumber'),
      children: <span className="mono">{me.idNumberMasked ?? none}</span>,
    },
    { key: 'birthDate', label: t('profile.birthDate'), children: me.birthDate ?? none },
    { key: 'sex', label: t('profile.sex'), children: me.sex ? t(`sex.${me.sex}`) : none },
    {
      key: 'tenant',
      label: t('profile.tenant'),
      children: labels.localName(me.tenant.name, me.tenant.nameEn),
    },
    {
      key: 'roles',
      label: t('profile.roles'),
      children: (
        <Flex gap={4} wrap="wrap">
          {distinctRoles(me.roles).map((role) => (
            <Tag key={role}>{labels.role(role)}</Tag>
          ))}
        </Flex>
      ),
    },
  ];
  return (
    <Card title={t('profile.details')} variant="outlined" data-testid="profile-details">
      <Descriptions items={items} column={{ xs: 1, sm: 1, md: 2, xl: 2 }} bordered size="middle" />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('profile.maskedNote')}
      </Typography.Paragraph>
    </Card>
  );
}

/** Shown only while unverified; on success it disappears, so the page (not this card) shows the confirmation. */
function VerificationForm({ onVerified }: { onVerified: () => void }) {
  const { t, i18n } = useTranslation();
  const { setMe } = useAuth();
  const problemText = useProblemText();
  const [form] = Form.useForm<VerifyRealNameRequest>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: VerifyRealNameRequest) => {
    setSubmitting(true);
    setError(null);
    try {
      const me = await api<Me>('/api/identity/me/verification', {
        method: 'POST',
        body: { name: values.name.trim(), idNumber: values.idNumber.trim().toUpperCase() },
      });
      onVerified();
      setMe(me);
    } catch (caught) {
      const problem = asApiError(caught);
      if (problem.code === 'invalid_id_number') {
        // The detail names the check that failed (length, region, birth date, checksum…).
        const chinese = i18n.language.startsWith('zh');
        const message =
          (chinese ? problem.detailZh : null) ?? problem.fieldMessage('idNumber') ?? problem.detail;
        form.setFields([{ name: 'idNumber', errors: [message] }]);
      } else if (problem.fieldErrors.length > 0) {
        form.setFields(
          problem.fieldErrors
            .filter((fieldError) => fieldError.field === 'name' || fieldError.field === 'idNumber')
            .map((fieldError) => ({
              name: fieldError.field as keyof VerifyRealNameRequest,
              errors: [fieldError.message],
            })),
        );
        setError(problemText(problem));
      } else {
        setError(problemText(problem));
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card title={t('profile.verifyTitle')} variant="outlined" data-testid="verification-card">
      <Typography.Paragraph>{t('profile.verifyIntro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<VerifyRealNameRequest>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void submit(values)}
        onValuesChange={() => {
          setError(null);
        }}
        style={{ maxWidth: 480 }}
        disabled={submitting}
      >
        <Form.Item
          name="name"
          label={t('profile.verifyName')}
          rules={[{ required: true, whitespace: true, message: t('profile.verifyNameRequired') }]}
        >
          <Input autoComplete="name" maxLength={64} data-testid="verify-name" />
        </Form.Item>
        <Form.Item
          name="idNumber"
          label={t('profile.verifyIdNumber')}
          rules={[{ required: true, whitespace: true, message: t('profile.verifyIdNumberRequired') }]}
        >
          <Input
            autoComplete="off"
            spellCheck={false}
            maxLength={32}
            placeholder={t('profile.verifyIdNumberPlaceholder')}
            className="mono"
            data-testid="verify-id-number"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="verify-submit">
          {t('profile.verifySubmit')}
        </Button>
      </Form>
    </Card>
  );
}

function WithdrawAction({
  consent,
  onWithdrawn,
}: {
  consent: Consent;
  onWithdrawn: (error: ApiError | null) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { elder } = useElderMode();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const withdraw = () => {
    setBusy(true);
    api<Consent>(`/api/identity/me/consents/${encodeURIComponent(consent.id)}/withdraw`, {
      method: 'POST',
      body: {},
    })
      .then(
        () => {
          onWithdrawn(null);
        },
        (error: unknown) => {
          onWithdrawn(asApiError(error));
        },
      )
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };

  const question = t('profile.withdrawConfirm', { purpose: labels.consentPurpose(consent.purpose) });

  if (elder) {
    // No pop-ups in 长者模式: the confirmation appears in place.
    if (!confirming) {
      return (
        <Button
          danger
          onClick={() => {
            setConfirming(true);
          }}
          data-testid="consent-withdraw"
        >
          {t('profile.withdraw')}
        </Button>
      );
    }
    return (
      <Flex vertical gap={8} role="group" aria-label={question}>
        <Typography.Text strong>{question}</Typography.Text>
        <Space wrap>
          <Button
            danger
            type="primary"
            loading={busy}
            onClick={withdraw}
            data-testid="consent-withdraw-confirm"
          >
            {t('profile.withdrawConfirmYes')}
          </Button>
          <Button
            onClick={() => {
              setConfirming(false);
            }}
            disabled={busy}
          >
            {t('common.cancel')}
          </Button>
        </Space>
      </Flex>
    );
  }

  return (
    <Popconfirm
      title={question}
      okText={t('profile.withdrawConfirmYes')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, loading: busy, ...{ 'data-testid': 'consent-withdraw-confirm' } }}
      onConfirm={withdraw}
    >
      <Button danger size="small" loading={busy} data-testid="consent-withdraw">
        {t('profile.withdraw')}
      </Button>
    </Popconfirm>
  );
}

/** The privacy-policy version residents agree to; bump it when the policy text changes. */
const POLICY_VERSION = '2026-01';

function GrantConsentForm({ onGranted }: { onGranted: (error: ApiError | null) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form] = Form.useForm<Pick<GrantConsentRequest, 'purpose' | 'scope'>>();
  const [busy, setBusy] = useState(false);

  const submit = async (values: Pick<GrantConsentRequest, 'purpose' | 'scope'>) => {
    setBusy(true);
    try {
      await api<Consent>('/api/identity/me/consents', {
        method: 'POST',
        body: { purpose: values.purpose, scope: values.scope, policyVersion: POLICY_VERSION },
      });
      form.resetFields();
      onGranted(null);
    } catch (caught) {
      onGranted(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(values) => void submit(values)}
      data-testid="consent-grant-form"
    >
      <Form.Item
        name="purpose"
        label={t('profile.purpose')}
        rules={[{ required: true, message: t('profile.grantPurposeRequired') }]}
      >
        <Select
          data-testid="consent-purpose"
          placeholder={t('profile.grantPurposePlaceholder')}
          options={CONSENT_PURPOSES.map((purpose) => ({
            value: purpose,
            label: labels.consentPurpose(purpose),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="scope"
        label={t('profile.scope')}
        rules={[{ required: true, message: t('profile.grantScopeRequired') }]}
      >
        <Checkbox.Group
          data-testid="consent-scope"
          options={PII_FIELDS.map((field) => ({ value: field, label: labels.piiField(field) }))}
        />
      </Form.Item>
      <Typography.Paragraph type="secondary">
        {t('profile.grantPolicy', { version: POLICY_VERSION })}
      </Typography.Paragraph>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="consent-grant">
        {t('profile.grantSubmit')}
      </Button>
    </Form>
  );
}

function Consents() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { elder } = useElderMode();
  const consents = useApi<Consent[]>('/api/identity/me/consents');
  const notice = useNotice();
  const [actionError, setActionError] = useState<ApiError | null>(null);

  const onGranted = (error: ApiError | null) => {
    setActionError(error);
    if (!error) {
      notice.notify('success', t('profile.grantSuccess'));
      consents.reload();
    }
  };

  const onWithdrawn = (error: ApiError | null) => {
    setActionError(error);
    if (!error) {
      notice.notify('success', t('profile.withdrawSuccess'));
      consents.reload();
    }
  };

  const columns: TableProps<Consent>['columns'] = [
    {
      key: 'purpose',
      title: t('profile.purpose'),
      render: (_, consent) => (
        <Typography.Text strong>{labels.consentPurpose(consent.purpose)}</Typography.Text>
      ),
    },
    {
      key: 'scope',
      title: t('profile.scope'),
      render: (_, consent) => (
        <Flex gap={4} wrap="wrap">
          {consent.scope.map((field) => (
            <Tag key={field}>{labels.piiField(field)}</Tag>
          ))}
        </Flex>
      ),
    },
    { key: 'policyVersion', title: t('profile.policyVersion'), dataIndex: 'policyVersion' },
    {
      key: 'grantedAt',
      title: t('profile.grantedAt'),
      render: (_, consent) => <span className="mono">{formatDateTime(consent.grantedAt)}</span>,
    },
    {
      key: 'state',
      title: t('profile.state'),
      render: (_, consent) =>
        consent.withdrawnAt ? (
          <Flex vertical gap={2}>
            <span>
              <Tag>{t('profile.withdrawn')}</Tag>
            </span>
            <span className="mono muted-small">{formatDateTime(consent.withdrawnAt)}</span>
          </Flex>
        ) : (
          <Tag color="success">{t('profile.active')}</Tag>
        ),
    },
    {
      key: 'action',
      title: '',
      width: elder ? 280 : 100,
      render: (_, consent) =>
        consent.withdrawnAt ? null : <WithdrawAction consent={consent} onWithdrawn={onWithdrawn} />,
    },
  ];

  return (
    <Card title={t('profile.consentsTitle')} variant="outlined">
      {notice.node}
      <Typography.Paragraph type="secondary">{t('profile.consentsIntro')}</Typography.Paragraph>
      {consents.error && <ProblemAlert error={consents.error} onRetry={consents.reload} />}
      {actionError && <ProblemAlert error={actionError} />}
      <div data-testid="consents-table">
        <Table<Consent>
          rowKey="id"
          columns={columns}
          dataSource={consents.data ?? []}
          loading={consents.loading}
          pagination={false}
          size={elder ? 'large' : 'middle'}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('profile.noConsents') }}
        />
      </div>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('profile.grantTitle')}
      </Typography.Title>
      <GrantConsentForm onGranted={onGranted} />
    </Card>
  );
}

interface PasswordForm extends ChangePasswordRequest {
  confirmPassword: string;
}

function ChangePassword() {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const notice = useNotice();
  const [form] = Form.useForm<PasswordForm>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: PasswordForm) => {
    setSubmitting(true);
    setError(null);
    try {
      const body: ChangePasswordRequest = {
        currentPassword: values.currentPassword,
        newPassword: values.newPassword,
      };
      await api<undefined>('/api/auth/password', { method: 'POST', body });
      form.resetFields();
      notice.notify('success', t('profile.passwordChanged'));
    } catch (caught) {
      const problem = asApiError(caught);
      const fields = problem.fieldErrors.filter(
        (fieldError) => fieldError.field === 'currentPassword' || fieldError.field === 'newPassword',
      );
      if (fields.length > 0) {
        form.setFields(
          fields.map((fieldError) => ({
            name: fieldError.field as keyof PasswordForm,
            errors: [fieldError.message],
          })),
        );
      } else if (problem.code === 'invalid_credentials') {
        form.setFields([{ name: 'currentPassword', errors: [problemText(problem)] }]);
      } else {
        setError(problemText(problem));
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card title={t('profile.passwordTitle')} variant="outlined">
      {notice.node}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<PasswordForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void submit(values)}
        onValuesChange={() => {
          setError(null);
        }}
        style={{ maxWidth: 480 }}
        disabled={submitting}
      >
        {/* Hidden user name helps password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" hidden readOnly />
        <Form.Item
          name="currentPassword"
          label={t('profile.currentPassword')}
          rules={[{ required: true, message: t('profile.currentPasswordRequired') }]}
        >
          <Input.Password autoComplete="current-password" maxLength={256} data-testid="password-current" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('profile.newPassword')}
          extra={t('profile.newPasswordHelp')}
          rules={[
            { required: true, message: t('profile.newPasswordTooShort') },
            { min: 10, message: t('profile.newPasswordTooShort') },
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={256} data-testid="password-new" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('profile.confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('profile.confirmPasswordRequired') },
            ({ getFieldValue }) => ({
              validator: (_, value: unknown) =>
                !value || getFieldValue('newPassword') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('profile.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={256} data-testid="password-confirm" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="password-submit">
          {t('profile.passwordSubmit')}
        </Button>
      </Form>
    </Card>
  );
}

export default function ProfilePage() {
  const { t } = useTranslation();
  const me = useMe();
  const verifiedNotice = useNotice();
  useDocumentTitle(t('profile.title'));
  return (
    <div className="page">
      <Typography.Title level={3} className="page-heading" style={{ marginTop: 0 }}>
        {t('profile.title')}
      </Typography.Title>
      {verifiedNotice.node}
      <Flex vertical gap={16}>
        <MyDetails me={me} />
        {me.realNameStatus === 'unverified' && (
          <VerificationForm
            onVerified={() => {
              verifiedNotice.notify('success', t('profile.verifySuccess'));
            }}
          />
        )}
        <Consents />
        <ChangePassword />
      </Flex>
    </div>
  );
}
