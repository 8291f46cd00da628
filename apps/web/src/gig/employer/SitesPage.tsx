import { EnvironmentOutlined } from '@ant-design/icons';
import type { Site, SiteInput } from '@jiedao/contracts';
import { Button, Card, Empty, Flex, Form, Input, InputNumber, List, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { showFieldErrors } from '../formErrors';
import { GIG_API, gigApi } from '../gigApi';
import { LocationField } from '../LocationField';
import { useSubmission } from '../useSubmission';

interface Values {
  name?: string;
  address?: string;
  location?: { lng: number; lat: number } | null;
  radiusM?: number | null;
}

const DEFAULT_RADIUS_M = 300;

/** The form for a new work site: name, address, the point on the map and the clock-in radius. */
function SiteForm({ onCreated }: { onCreated: (site: Site) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const radius = Form.useWatch('radiusM', form);
  const submission = useSubmission();

  const submit = async (values: Values) => {
    if (!values.location) return;
    const body: SiteInput = {
      name: values.name?.trim() ?? '',
      address: values.address?.trim() ?? '',
      location: values.location,
      radiusM: values.radiusM ?? DEFAULT_RADIUS_M,
    };
    const outcome = await submission.submit(body, (key) =>
      gigApi<Site>('/employer/sites', { method: 'POST', body, idempotencyKey: key }),
    );
    if (outcome.ok) {
      form.resetFields();
      onCreated(outcome.value);
    } else {
      showFieldErrors(form, outcome.error, {
        name: 'name',
        address: 'address',
        location: 'location',
        lng: 'location',
        lat: 'location',
        radiusM: 'radiusM',
      });
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ radiusM: DEFAULT_RADIUS_M, location: null }}
      onFinish={(values) => void submit(values)}
      disabled={submission.busy}
      className="gig-form"
      data-testid="site-form"
    >
      <Form.Item
        name="name"
        label={t('gig.sites.name')}
        rules={[{ required: true, whitespace: true, message: t('gig.sites.nameRequired') }]}
      >
        <Input size="large" maxLength={60} data-testid="site-name" />
      </Form.Item>
      <Form.Item
        name="address"
        label={t('gig.sites.address')}
        rules={[{ required: true, whitespace: true, message: t('gig.sites.addressRequired') }]}
      >
        <Input size="large" maxLength={120} data-testid="site-address" />
      </Form.Item>
      <Form.Item
        name="location"
        label={t('gig.sites.location')}
        rules={[{ required: true, message: t('gig.sites.locationRequired') }]}
      >
        <LocationField testId="site-location" radiusM={radius ?? DEFAULT_RADIUS_M} />
      </Form.Item>
      <Form.Item name="radiusM" label={t('gig.sites.radius')} extra={t('gig.sites.radiusHint')}>
        <InputNumber
          min={50}
          max={2000}
          step={50}
          precision={0}
          size="large"
          suffix={t('gig.sites.metres')}
          data-testid="site-radius"
        />
      </Form.Item>
      {submission.error && <ProblemAlert error={submission.error} />}
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        block
        className="big-button"
        loading={submission.busy}
        data-testid="site-submit"
      >
        {t('gig.sites.add')}
      </Button>
    </Form>
  );
}

/** 工作地点: where shifts happen; each has the geofence clock-in is checked against. */
export function SitesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.sites.title'));
  const notice = useNotice();
  const sites = useApi<Site[]>(`${GIG_API}/employer/sites`);
  const [added, setAdded] = useState<Site[]>([]);
  const all = sites.data
    ? [...sites.data, ...added.filter((site) => !sites.data?.some((known) => known.id === site.id))]
    : undefined;

  return (
    <>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('gig.sites.title')}
      </Typography.Title>
      {notice.node}
      {sites.error && <ProblemAlert error={sites.error} onRetry={sites.reload} />}
      {!all && !sites.error && <Spin />}
      {all && (
        <Card className="mobile-card">
          {all.length === 0 ? (
            <Empty description={t('gig.sites.empty')} />
          ) : (
            <List
              dataSource={all}
              rowKey="id"
              renderItem={(site) => (
                <List.Item data-testid="site">
                  <Flex vertical gap={2}>
                    <Typography.Text strong>
                      <EnvironmentOutlined /> {site.name}
                    </Typography.Text>
                    <span>{site.address}</span>
                    <span className="muted-small">
                      <span className="mono">
                        {site.location.lng.toFixed(6)}, {site.location.lat.toFixed(6)}
                      </span>{' '}
                      · {t('gig.sites.radiusValue', { metres: site.radiusM })}
                    </span>
                  </Flex>
                </List.Item>
              )}
            />
          )}
        </Card>
      )}
      <Card className="mobile-card" title={t('gig.sites.new')}>
        <SiteForm
          onCreated={(site) => {
            setAdded((current) => [...current, site]);
            notice.notify('success', t('gig.sites.created', { name: site.name }));
          }}
        />
      </Card>
    </>
  );
}
