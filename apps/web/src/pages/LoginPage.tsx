import { LockOutlined, MobileOutlined } from '@ant-design/icons';
import type { LoginRequest } from '@jiedao/contracts';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import type { LoginLocationState } from '../auth/RequireAuth';
import { BrandMark } from '../components/BrandMark';
import { ElderSwitch } from '../components/ElderSwitch';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useProblemText } from '../components/problemText';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { distinctRoles } from '../domain';
import { lockoutMinutes } from '../format';
import { homePathFor } from '../navigation';

interface LoginForm {
  phone: string;
  password: string;
  tenant?: string;
}

const FORM_FIELDS = ['phone', 'password', 'tenant'] as const;
type FormField = (typeof FORM_FIELDS)[number];

function isFormField(name: string): name is FormField {
  return (FORM_FIELDS as readonly string[]).includes(name);
}

/** Only same-app paths are honoured as a post-login destination. */
function safeFrom(state: unknown): string | null {
  const from = (state as LoginLocationState | null)?.from;
  if (
    typeof from !== 'string' ||
    !from.startsWith('/') ||
    from.startsWith('//') ||
    from.startsWith('/login')
  ) {
    return null;
  }
  return from;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { state, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const problemText = useProblemText();
  const [form] = Form.useForm<LoginForm>();
  const [submitting, setSubmitting] = useState(false);
  const [showTenant, setShowTenant] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(t('login.title'));

  if (state.status === 'authenticated') {
    return <Navigate to={safeFrom(location.state) ?? homePathFor(distinctRoles(state.me.roles))} replace />;
  }

  const submit = async (values: LoginForm) => {
    setSubmitting(true);
    setError(null);
    const request: LoginRequest = { phone: values.phone.trim(), password: values.password };
    const tenant = values.tenant?.trim();
    if (showTenant && tenant) request.tenant = tenant;
    try {
      const me = await login(request);
      void navigate(safeFrom(location.state) ?? homePathFor(distinctRoles(me.roles)), { replace: true });
    } catch (caught) {
      if (!(caught instanceof ApiError)) {
        setError(t('login.failed'));
        return;
      }
      if (caught.code === 'account_locked') {
        setError(t('login.locked', { minutes: lockoutMinutes(caught.retryAfterSeconds) }));
        return;
      }
      const fieldErrors = caught.fieldErrors.filter((fieldError) => isFormField(fieldError.field));
      if (caught.status === 400 && fieldErrors.some((fieldError) => fieldError.field === 'tenant')) {
        // The phone has accounts in several subdistricts: ask which one.
        setShowTenant(true);
      }
      if (fieldErrors.length > 0) {
        form.setFields(
          fieldErrors.map((fieldError) => ({
            name: fieldError.field as FormField,
            errors: [fieldError.message],
          })),
        );
        if (caught.detail && fieldErrors.every((fieldError) => fieldError.message !== caught.detail)) {
          setError(caught.detail);
        }
        return;
      }
      setError(problemText(caught));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="login-page">
      <Flex className="login-topbar" justify="flex-end" align="center" gap={12} wrap="wrap">
        <LanguageSwitch />
        <ElderSwitch />
      </Flex>
      <main className="login-main">
        <Card className="login-card" variant="outlined">
          <Flex vertical align="center" gap={8} className="login-brand">
            <BrandMark size={56} />
            <Typography.Title level={2} style={{ margin: 0 }}>
              {t('app.name')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </Flex>
          <Typography.Title level={4} className="login-heading">
            {t('login.title')}
          </Typography.Title>
          {state.status === 'anonymous' && state.error && !error && (
            <Alert type="warning" showIcon title={problemText(state.error)} style={{ marginBottom: 16 }} />
          )}
          {error && (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={error}
              style={{ marginBottom: 16 }}
              data-testid="login-error"
            />
          )}
          <Form<LoginForm>
            form={form}
            layout="vertical"
            requiredMark={false}
            onFinish={(values) => void submit(values)}
            onValuesChange={() => {
              setError(null);
            }}
            data-testid="login-form"
            disabled={submitting}
          >
            <Form.Item
              label={t('login.phone')}
              name="phone"
              rules={[{ required: true, whitespace: true, message: t('login.phoneRequired') }]}
            >
              <Input
                prefix={<MobileOutlined aria-hidden="true" />}
                placeholder={t('login.phonePlaceholder')}
                autoComplete="username"
                inputMode="tel"
                maxLength={32}
                data-testid="login-phone"
                autoFocus
              />
            </Form.Item>
            <Form.Item
              label={t('login.password')}
              name="password"
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined aria-hidden="true" />}
                placeholder={t('login.passwordPlaceholder')}
                autoComplete="current-password"
                maxLength={256}
                data-testid="login-password"
              />
            </Form.Item>
            {showTenant && (
              <Form.Item
                label={t('login.tenant')}
                name="tenant"
                extra={t('login.tenantHelp')}
                rules={[{ required: true, whitespace: true, message: t('login.tenantRequired') }]}
              >
                <Input placeholder={t('login.tenantPlaceholder')} maxLength={64} data-testid="login-tenant" />
              </Form.Item>
            )}
            <Form.Item style={{ marginBottom: 8 }}>
              <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
                {t('login.submit')}
              </Button>
            </Form.Item>
          </Form>
          <Typography.Text type="secondary" className="login-demo-hint">
            {t('login.demoHint')}
          </Typography.Text>
        </Card>
      </main>
    </div>
  );
}
