import { CopyOutlined } from '@ant-design/icons';
import type {
  DeskJobInput,
  DeskWorkerInput,
  GigEmployerSummary,
  Job,
  JobInput,
  Site,
  WorkerProfile,
} from '@jiedao/contracts';
import { Alert, Button, Card, Col, Flex, Form, Input, Row, Select, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { showFieldErrors } from '../formErrors';
import { GIG_API, gigApi } from '../gigApi';
import { JobForm, showJobErrors } from '../JobForm';
import type { JobFormValues } from '../jobForm';
import { defaultProfileValues, toProfileInput, type WorkerProfileFormValues } from '../profileForm';
import { useSubmission } from '../useSubmission';
import { WorkerProfileFields } from '../WorkerProfileFields';

interface DeskWorkerValues extends WorkerProfileFormValues {
  name?: string;
  idNumber?: string;
  phone?: string;
}

/** The one-time password, shown once: the desk reads it out or prints it for the worker. */
function InitialPassword({
  worker,
  password,
  onDone,
}: {
  worker: WorkerProfile;
  password: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <Alert
      type="success"
      showIcon
      title={t('gig.desk.workerCreated', { name: worker.name })}
      description={
        <Flex vertical gap={8}>
          <span>{t('gig.desk.passwordOnce')}</span>
          <Flex gap={8} align="center">
            <span className="mono secret-value" data-testid="initial-password">
              {password}
            </span>
            <Button
              icon={<CopyOutlined />}
              onClick={() => {
                void navigator.clipboard?.writeText(password).then(() => {
                  setCopied(true);
                });
              }}
            >
              {copied ? t('common.copied') : t('common.copy')}
            </Button>
          </Flex>
          <div>
            <Button type="primary" onClick={onDone} data-testid="initial-password-done">
              {t('gig.desk.passwordHandedOver')}
            </Button>
          </div>
        </Flex>
      }
      data-testid="desk-worker-created"
    />
  );
}

/** 代为登记: a worker without a smartphone registers at the desk (name, ID number, phone, profile). */
function DeskWorkerForm() {
  const { t } = useTranslation();
  const [form] = Form.useForm<DeskWorkerValues>();
  const submission = useSubmission();
  const [created, setCreated] = useState<{ worker: WorkerProfile; initialPassword: string } | null>(null);

  const submit = async (values: DeskWorkerValues) => {
    const profile = toProfileInput(values);
    if (!profile) return;
    const body: DeskWorkerInput = {
      name: values.name?.trim() ?? '',
      idNumber: (values.idNumber ?? '').trim().toUpperCase(),
      phone: (values.phone ?? '').trim(),
      profile,
    };
    const outcome = await submission.submit(body, (key) =>
      gigApi<{ worker: WorkerProfile; initialPassword: string }>('/desk/workers', {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) {
      form.resetFields();
      setCreated(outcome.value);
    } else {
      showFieldErrors(form, outcome.error, {
        name: 'name',
        idNumber: 'idNumber',
        phone: 'phone',
        categories: 'categories',
        home: 'home',
        accountNo: 'payoutAccountNo',
      });
    }
  };

  if (created)
    return (
      <InitialPassword
        worker={created.worker}
        password={created.initialPassword}
        onDone={() => {
          setCreated(null);
        }}
      />
    );

  return (
    <Form<DeskWorkerValues>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={defaultProfileValues()}
      onFinish={(values) => void submit(values)}
      disabled={submission.busy}
      data-testid="desk-worker-form"
    >
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Form.Item
            name="name"
            label={t('gig.desk.name')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('gig.desk.nameRequired') }]}
          >
            <Input maxLength={20} autoComplete="off" data-testid="desk-name" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="idNumber"
            label={t('gig.desk.idNumber')}
            rules={[{ required: true, len: 18, message: t('gig.desk.idNumberInvalid') }]}
          >
            <Input maxLength={18} className="mono" autoComplete="off" data-testid="desk-id-number" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="phone"
            label={t('gig.desk.phone')}
            rules={[{ required: true, pattern: /^1\d{10}$/, message: t('gig.desk.phoneInvalid') }]}
          >
            <Input
              maxLength={11}
              inputMode="tel"
              className="mono"
              autoComplete="off"
              data-testid="desk-phone"
            />
          </Form.Item>
        </Col>
      </Row>
      <WorkerProfileFields />
      {submission.error && <ProblemAlert error={submission.error} />}
      <Button type="primary" htmlType="submit" loading={submission.busy} data-testid="desk-worker-submit">
        {t('gig.desk.registerWorker')}
      </Button>
    </Form>
  );
}

/** 代为发布: the desk posts a job for an employer (a phone call, a walk-in). */
function DeskJobForm() {
  const { t } = useTranslation();
  const notice = useNotice();
  const employers = useApi<GigEmployerSummary[]>(`${GIG_API}/employers`);
  const [employerId, setEmployerId] = useState<string | null>(null);
  const sites = useApi<Site[]>(employerId ? `${GIG_API}/employers/${employerId}/sites` : null);
  const submission = useSubmission();
  const [generation, setGeneration] = useState(0);

  const post = async (input: JobInput, form: FormInstance<JobFormValues>) => {
    if (!employerId) return;
    const body: DeskJobInput = { ...input, employerId };
    const outcome = await submission.submit(body, (key) =>
      gigApi<Job>('/desk/jobs', { method: 'POST', body, idempotencyKey: key }),
    );
    if (outcome.ok) {
      notice.notify('success', t('gig.desk.jobPosted', { title: outcome.value.title }));
      setGeneration((value) => value + 1);
    } else showJobErrors(form, outcome.error);
  };

  return (
    <Flex vertical gap={12}>
      {notice.node}
      {employers.error && <ProblemAlert error={employers.error} onRetry={employers.reload} />}
      <Flex vertical gap={4}>
        <label htmlFor="desk-employer">{t('gig.desk.employer')}</label>
        <Select
          id="desk-employer"
          showSearch={{ optionFilterProp: 'label' }}
          value={employerId ?? undefined}
          onChange={(value: string) => {
            setEmployerId(value);
          }}
          loading={employers.loading}
          options={(employers.data ?? []).map((employer) => ({
            value: employer.id,
            label: employer.uscc ? `${employer.name}（${employer.uscc}）` : employer.name,
          }))}
          placeholder={t('gig.desk.employerPlaceholder')}
          data-testid="desk-employer"
        />
      </Flex>
      {employerId && (
        <>
          {sites.error && <ProblemAlert error={sites.error} onRetry={sites.reload} />}
          {sites.data?.length === 0 && (
            <Typography.Text type="secondary" className="muted-small">
              {t('gig.desk.noKnownSites')}
            </Typography.Text>
          )}
          <JobForm
            key={`${employerId}:${generation}`}
            sites={sites.data ?? []}
            large={false}
            busy={submission.busy}
            error={submission.error}
            onSubmit={(input, form) => void post(input, form)}
            submitLabel={t('gig.desk.postJob')}
          />
        </>
      )}
    </Flex>
  );
}

/** 线下服务台: registering workers and posting jobs on behalf of those who come in person. */
export function DeskPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.desk.title'));
  return (
    <div>
      <Typography.Title level={3} className="page-heading">
        {t('gig.desk.title')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t('gig.desk.workerTitle')}>
            <DeskWorkerForm />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('gig.desk.jobTitle')}>
            <DeskJobForm />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
