import { AimOutlined, CheckCircleFilled, DownOutlined, UpOutlined } from '@ant-design/icons';
import type { Attachment, CategoryCode, CategoryDefinition, LngLat, ReportAccepted } from '@jiedao/contracts';
import { CATEGORIES, LINKAGES } from '@jiedao/contracts/constants';
import { Alert, Button, Flex, Form, Input, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toApiError } from '../api/client';
import { useProblemText } from '../components/problemText';
import { useLabels } from '../components/useLabels';
import { useCommunities } from '../map/gridsCache';
import { categoriesFor, EMERGENCY_CATEGORIES, toReportRequest, type Audience } from './categories';
import { PhotoPicker } from './PhotoPicker';
import { useGovLabels } from './useGovLabels';

export type ReportAudience = Audience | 'staff';

interface FormValues {
  category?: CategoryCode;
  description?: string;
  communityId?: string;
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
}

type Locating = { state: 'idle' } | { state: 'busy' } | { state: 'done'; at: LngLat } | { state: 'denied' };

interface TileOption<T extends string> {
  value: T;
  label: string;
}

/**
 * Big toggle tiles: one tap, readable at 20 px, and no dropdown to aim at (长者模式 avoids pop-ups).
 * Behaves as a radio group for assistive technology.
 */
function ChoiceTiles<T extends string>({
  options,
  value,
  onChange,
  label,
  testIdPrefix,
}: {
  options: readonly TileOption<T>[];
  value?: T | undefined;
  onChange?: ((value: T) => void) | undefined;
  label: string;
  testIdPrefix: string;
}) {
  return (
    <div className="choice-tiles" role="radiogroup" aria-label={label}>
      {options.map((option) => {
        const checked = value === option.value;
        return (
          <button
            key={option.value}
            type="button"
            role="radio"
            aria-checked={checked}
            className={checked ? 'choice-tile choice-tile-checked' : 'choice-tile'}
            onClick={() => onChange?.(option.value)}
            data-testid={`${testIdPrefix}-${option.value}`}
          >
            {checked && <CheckCircleFilled aria-hidden="true" />}
            <span>{option.label}</span>
          </button>
        );
      })}
    </div>
  );
}

/** The category tiles: the common ones, and the rest behind 更多类别. */
function CategoryTiles({
  audience,
  value,
  onChange,
}: {
  audience: Audience;
  value?: CategoryCode;
  onChange?: (value: CategoryCode) => void;
}) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const { common, more } = categoriesFor(audience);
  // Keep "more" open when the chosen category is one of them (e.g. after a server-side error).
  const [showMore, setShowMore] = useState(() => more.some((category) => category.code === value));
  const toOption = (category: CategoryDefinition): TileOption<CategoryCode> => ({
    value: category.code as CategoryCode,
    label: labels.category(category.code),
  });
  const options = [...common, ...(showMore ? more : [])].map(toOption);
  return (
    <div>
      <ChoiceTiles
        options={options}
        value={value}
        onChange={onChange}
        label={t('report.category')}
        testIdPrefix="report-category"
      />
      <Button
        type="link"
        icon={showMore ? <UpOutlined /> : <DownOutlined />}
        onClick={() => {
          setShowMore((open) => !open);
        }}
        aria-expanded={showMore}
        data-testid="report-more-categories"
        className="category-more"
      >
        {showMore ? t('report.fewer') : t('report.more')}
      </Button>
    </div>
  );
}

export interface ReportFormProps {
  audience: ReportAudience;
  onSubmitted: (accepted: ReportAccepted) => void;
  /** Large controls for phones and elder mode. */
  large?: boolean;
  submitLabel?: string;
}

/**
 * One form for every way a matter enters the command center by hand: a resident's own report, a grid
 * worker's patrol report, and a dispatcher logging a phone call (with the caller's name and number).
 * Location is the phone's position when it may be read, otherwise the centre of the community picked
 * from the list plus a written address.
 */
export function ReportForm({ audience, onSubmitted, large = false, submitLabel }: ReportFormProps) {
  const { t } = useTranslation();
  const labels = useLabels();
  const govLabels = useGovLabels();
  const problemText = useProblemText();
  const [form] = Form.useForm<FormValues>();
  const communities = useCommunities();
  const [photos, setPhotos] = useState<Attachment[]>([]);
  const [locating, setLocating] = useState<Locating>({ state: 'idle' });
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const category = Form.useWatch('category', form);
  const staff = audience === 'staff';
  const located = locating.state === 'done' ? locating.at : null;

  const communityOptions = (communities.data ?? []).map((community) => ({
    value: community.id,
    label: labels.localName(community.name, community.nameEn),
  }));

  // Staff pick from every category, grouped by the six linkages (the way a dispatcher thinks of them).
  const staffCategoryOptions = useMemo(
    () =>
      LINKAGES.map((linkage) => ({
        label: govLabels.linkage(linkage),
        options: CATEGORIES.filter((definition) => definition.linkage === linkage).map((definition) => ({
          value: definition.code,
          label: govLabels.category(definition.code),
        })),
      })),
    [govLabels],
  );

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocating({ state: 'denied' });
      return;
    }
    setLocating({ state: 'busy' });
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating({
          state: 'done',
          at: { lng: position.coords.longitude, lat: position.coords.latitude },
        });
      },
      () => {
        setLocating({ state: 'denied' });
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  // With a position the community is no longer needed: clear its "choose one" error (validated with
  // the rules of this render, which know about the position).
  useEffect(() => {
    if (located) void form.validateFields(['communityId']);
  }, [located, form]);

  const submit = async (values: FormValues) => {
    if (!values.category) return;
    setSubmitting(true);
    setError(null);
    const community = communities.data?.find((candidate) => candidate.id === values.communityId);
    const request = toReportRequest({
      category: values.category,
      description: values.description ?? '',
      location: located ?? community?.center ?? null,
      // Without a position the community name leads the address, so the place reads in full.
      address: [located ? '' : (community?.name ?? ''), values.address ?? ''].filter(Boolean).join(' '),
      photoIds: photos.map((photo) => photo.id),
      ...(staff
        ? { reporterName: values.reporterName ?? '', reporterPhone: values.reporterPhone ?? '' }
        : {}),
    });
    try {
      const accepted = await api<ReportAccepted>('/api/governance/reports', {
        method: 'POST',
        body: request,
      });
      form.resetFields();
      setPhotos([]);
      setLocating({ state: 'idle' });
      onSubmitted(accepted);
    } catch (caught) {
      const problem = toApiError(caught);
      const known: Record<string, keyof FormValues> = {
        category: 'category',
        description: 'description',
        address: 'address',
        location: 'communityId',
        lng: 'communityId',
        lat: 'communityId',
        reporterName: 'reporterName',
        reporterPhone: 'reporterPhone',
      };
      const fields = problem.fieldErrors.flatMap((fieldError) => {
        const name = known[fieldError.field];
        return name ? [{ name, errors: [fieldError.message] }] : [];
      });
      if (fields.length > 0) form.setFields(fields);
      setError(problemText(problem));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      requiredMark={false}
      onFinish={(values) => void submit(values)}
      disabled={submitting}
      className={large ? 'report-form report-form-large' : 'report-form'}
      data-testid="report-form"
    >
      <Form.Item
        name="category"
        label={t('report.category')}
        rules={[{ required: true, message: t('report.categoryRequired') }]}
      >
        {staff ? (
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={staffCategoryOptions}
            placeholder={t('report.categoryRequired')}
            data-testid="report-category"
          />
        ) : (
          <CategoryTiles audience={audience} />
        )}
      </Form.Item>
      {!staff && category && EMERGENCY_CATEGORIES.has(category) && (
        <Alert
          type="warning"
          showIcon
          className="emergency-alert"
          title={t('report.emergency')}
          description={
            <Flex gap={16} wrap="wrap">
              <a href="tel:119" className="emergency-call">
                {t('report.call119')}
              </a>
              <a href="tel:110" className="emergency-call">
                {t('report.call110')}
              </a>
            </Flex>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <Form.Item
        name="description"
        label={t('report.description')}
        rules={[{ required: true, whitespace: true, min: 2, message: t('report.descriptionRequired') }]}
      >
        <Input.TextArea
          autoSize={{ minRows: large ? 4 : 3, maxRows: 10 }}
          maxLength={2000}
          showCount
          placeholder={t('report.descriptionPlaceholder')}
          data-testid="report-description"
        />
      </Form.Item>
      {staff && (
        <Flex gap={12} wrap="wrap">
          <Form.Item
            name="reporterName"
            label={t('staffEntry.reporterName')}
            style={{ flex: 1, minWidth: 160 }}
          >
            <Input maxLength={50} data-testid="report-reporter-name" />
          </Form.Item>
          <Form.Item
            name="reporterPhone"
            label={t('staffEntry.reporterPhone')}
            style={{ flex: 1, minWidth: 160 }}
          >
            <Input maxLength={20} inputMode="tel" data-testid="report-reporter-phone" />
          </Form.Item>
        </Flex>
      )}
      <Form.Item label={t('report.photo')}>
        <PhotoPicker value={photos} onChange={setPhotos} max={3} testId="report-photo" large={large} />
      </Form.Item>
      <fieldset className="report-location">
        <legend>{t('report.location')}</legend>
        {!staff && (
          <Flex vertical gap={8} style={{ marginBottom: 16 }}>
            <Button
              icon={<AimOutlined />}
              onClick={locate}
              loading={locating.state === 'busy'}
              size={large ? 'large' : 'middle'}
              className={large ? 'big-button' : undefined}
              data-testid="report-locate"
            >
              {locating.state === 'busy' ? t('report.locating') : t('report.useLocation')}
            </Button>
            {locating.state === 'done' && (
              <Typography.Text type="success" role="status" data-testid="report-located">
                <CheckCircleFilled /> {t('report.located')}
              </Typography.Text>
            )}
            {locating.state === 'denied' && (
              <Alert type="info" showIcon title={t('report.locationDenied')} role="status" />
            )}
          </Flex>
        )}
        <Form.Item
          name="communityId"
          label={t('report.community')}
          dependencies={[]}
          rules={[
            {
              validator: (_, value: unknown) =>
                value || located
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('report.locationRequired'))),
            },
          ]}
        >
          {staff ? (
            <Select
              allowClear
              options={communityOptions}
              loading={!communities.data && !communities.error}
              placeholder={t('report.communityPlaceholder')}
              data-testid="report-community"
            />
          ) : (
            <ChoiceTiles
              options={communityOptions}
              label={t('report.community')}
              testIdPrefix="report-community"
            />
          )}
        </Form.Item>
        <Form.Item name="address" label={t('report.address')}>
          <Input maxLength={250} placeholder={t('report.addressPlaceholder')} data-testid="report-address" />
        </Form.Item>
      </fieldset>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
      <Button
        type="primary"
        htmlType="submit"
        loading={submitting}
        size={large ? 'large' : 'middle'}
        block={large}
        className={large ? 'big-button' : undefined}
        data-testid="report-submit"
      >
        {submitLabel ?? t('report.submit')}
      </Button>
    </Form>
  );
}
