import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { JobInput, Site } from '@jiedao/contracts';
import { SETTLEMENT_CYCLES, WAGE_KINDS } from '@jiedao/contracts/constants';
import { Alert, Button, Flex, Form, Input, InputNumber, Select, Switch, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { shanghaiDay } from '../governance/kpi';
import { estimateJobFundsFen } from './contract';
import { useGigLabels } from './labels';
import { nextShiftRow, toJobInput, type JobFormValues, type JobFormProblem, type ShiftRow } from './jobForm';
import { formatFen, parseYuan } from './money';
import { nextDay, shiftInstants } from './time';
import { TileMultiSelect, TileSelect, YuanInput } from './ui';

/** The API's field names → the form's, for the server's per-field messages. */
const SERVER_FIELDS: Record<string, keyof JobFormValues> = {
  siteId: 'siteId',
  title: 'title',
  category: 'category',
  skills: 'skills',
  headcount: 'headcount',
  wageKind: 'wageKind',
  wageFen: 'wageYuan',
  expectedPieces: 'expectedPieces',
  settlementCycle: 'settlementCycle',
  requirements: 'requirements',
  shifts: 'shifts',
};

function problemPath(problem: JobFormProblem): (string | number)[] {
  if (problem.field === 'shifts' && problem.row !== undefined) return ['shifts', problem.row, 'day'];
  return [problem.field];
}

/** Shows the server's per-field messages under the job form's fields. */
export function showJobErrors(form: FormInstance<JobFormValues>, error: ApiError): void {
  const entries = error.fieldErrors.flatMap((fieldError) => {
    const name = SERVER_FIELDS[fieldError.field];
    return name ? [{ name, errors: [fieldError.message] }] : [];
  });
  if (entries.length > 0) form.setFields(entries);
}

function FundsEstimate({ form, available }: { form: FormInstance<JobFormValues>; available?: number }) {
  const { t } = useTranslation();
  const values = Form.useWatch([], form) as JobFormValues | undefined;
  const wageFen = parseYuan(values?.wageYuan);
  if (!values?.wageKind || wageFen === null || !values.headcount) return null;
  const shifts = (values.shifts ?? []).flatMap((row: ShiftRow) => {
    const instants = row.day && row.start && row.end ? shiftInstants(row.day, row.start, row.end) : null;
    return instants ? [{ ...instants, breakMinutes: row.breakMinutes ?? 0 }] : [];
  });
  if (shifts.length === 0) return null;
  const needed = estimateJobFundsFen(
    { wageKind: values.wageKind, wageFen, expectedPieces: values.expectedPieces ?? null },
    shifts,
    values.headcount,
  );
  const short = available !== undefined && needed > available;
  return (
    <Alert
      type={short ? 'warning' : 'info'}
      showIcon
      role="status"
      title={t('gig.jobForm.estimate', { amount: formatFen(needed) })}
      description={
        available !== undefined
          ? short
            ? t('gig.jobForm.estimateShort', { available: formatFen(available) })
            : t('gig.jobForm.estimateOk', { available: formatFen(available) })
          : t('gig.jobForm.estimateHint')
      }
      style={{ marginBottom: 16 }}
      data-testid="job-estimate"
    />
  );
}

/**
 * 发布零工: site, what, how many, the wage (typed in yuan, sent in fen), the settlement cycle, injury
 * cover and the shifts (Shanghai days and times; an end before the start runs past midnight). Used by
 * employers on their phones (`large`) and by the offline desk in the console.
 */
export function JobForm({
  sites,
  onSubmit,
  busy,
  error,
  available,
  large = true,
  submitLabel,
}: {
  sites: readonly Site[];
  onSubmit: (input: JobInput, form: FormInstance<JobFormValues>) => void;
  busy: boolean;
  error: ApiError | null;
  available?: number;
  large?: boolean;
  submitLabel?: string;
}) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  const [form] = Form.useForm<JobFormValues>();
  const wageKind = Form.useWatch('wageKind', form);
  const today = shanghaiDay(new Date());

  const finish = (values: JobFormValues) => {
    const result = toJobInput(values);
    if (result.ok) {
      onSubmit(result.input, form);
      return;
    }
    form.setFields(
      result.problems.map((problem) => ({
        name: problemPath(problem) as never,
        errors: [t(`gig.jobForm.errors.${problem.key}`)],
      })),
    );
  };

  const siteOptions = sites.map((site) => ({ value: site.id, label: `${site.name} · ${site.address}` }));

  return (
    <Form<JobFormValues>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{
        headcount: 1,
        wageKind: 'hour',
        settlementCycle: 'daily',
        injuryCover: true,
        skills: [],
        shifts: [nextShiftRow([], nextDay(today) ?? today, nextDay)],
        ...(sites.length === 1 && sites[0] ? { siteId: sites[0].id } : {}),
      }}
      onFinish={finish}
      disabled={busy}
      className={large ? 'gig-form' : undefined}
      data-testid="job-form"
    >
      <Form.Item name="siteId" label={t('gig.jobForm.site')}>
        {large ? (
          <TileSelect options={siteOptions} label={t('gig.jobForm.site')} testIdPrefix="job-site" />
        ) : (
          <Select
            options={siteOptions}
            placeholder={t('gig.jobForm.sitePlaceholder')}
            data-testid="job-site"
          />
        )}
      </Form.Item>
      <Form.Item name="title" label={t('gig.jobForm.title')}>
        <Input
          size={large ? 'large' : 'middle'}
          maxLength={60}
          placeholder={t('gig.jobForm.titlePlaceholder')}
          data-testid="job-title"
        />
      </Form.Item>
      <Form.Item name="category" label={t('gig.jobForm.category')}>
        {large ? (
          <TileSelect
            options={labels.categoryOptions}
            label={t('gig.jobForm.category')}
            testIdPrefix="job-category"
          />
        ) : (
          <Select options={labels.categoryOptions} data-testid="job-category" />
        )}
      </Form.Item>
      <Form.Item name="skills" label={t('gig.jobForm.skills')} extra={t('gig.jobForm.skillsHint')}>
        {large ? (
          <TileMultiSelect
            options={labels.skillOptions}
            label={t('gig.jobForm.skills')}
            testIdPrefix="job-skill"
            max={10}
          />
        ) : (
          <Select mode="multiple" options={labels.skillOptions} maxCount={10} data-testid="job-skills" />
        )}
      </Form.Item>
      <Form.Item name="headcount" label={t('gig.jobForm.headcount')}>
        <InputNumber
          min={1}
          max={500}
          precision={0}
          size={large ? 'large' : 'middle'}
          suffix={t('gig.jobForm.people')}
          data-testid="job-headcount"
        />
      </Form.Item>
      <Form.Item name="wageKind" label={t('gig.jobForm.wageKind')}>
        <TileSelect
          options={WAGE_KINDS.map((kind) => ({ value: kind, label: labels.wageKind(kind) }))}
          label={t('gig.jobForm.wageKind')}
          testIdPrefix="job-wage-kind"
        />
      </Form.Item>
      <Form.Item
        name="wageYuan"
        label={wageKind ? t(`gig.jobForm.wage.${wageKind}`) : t('gig.jobForm.wage.hour')}
      >
        <YuanInput size={large ? 'large' : 'middle'} style={{ maxWidth: 240 }} data-testid="job-wage" />
      </Form.Item>
      {wageKind === 'piece' && (
        <Form.Item
          name="expectedPieces"
          label={t('gig.jobForm.expectedPieces')}
          extra={t('gig.jobForm.expectedPiecesHint')}
        >
          <InputNumber
            min={1}
            max={100_000}
            precision={0}
            size={large ? 'large' : 'middle'}
            data-testid="job-pieces"
          />
        </Form.Item>
      )}
      <Form.Item name="settlementCycle" label={t('gig.jobForm.cycle')}>
        <TileSelect
          options={SETTLEMENT_CYCLES.map((cycle) => ({ value: cycle, label: labels.cycle(cycle) }))}
          label={t('gig.jobForm.cycle')}
          testIdPrefix="job-cycle"
        />
      </Form.Item>
      <Form.Item name="requirements" label={t('gig.jobForm.requirements')}>
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 5 }}
          maxLength={500}
          showCount
          data-testid="job-requirements"
        />
      </Form.Item>
      <Form.Item
        name="injuryCover"
        label={t('gig.jobForm.injuryCover')}
        valuePropName="checked"
        extra={t('gig.jobForm.injuryCoverHint')}
      >
        <Switch data-testid="job-injury" />
      </Form.Item>
      <fieldset className="gig-fieldset">
        <legend>{t('gig.jobForm.shifts')}</legend>
        <Typography.Paragraph type="secondary">{t('gig.jobForm.shiftsHint')}</Typography.Paragraph>
        <Form.List name="shifts">
          {(fields, { add, remove }, { errors }) => (
            <Flex vertical gap={8}>
              {fields.map((field, index) => (
                <div key={field.key} className="gig-shift-row" data-testid="job-shift">
                  <Form.Item
                    name={[field.name, 'day']}
                    label={t('gig.jobForm.day')}
                    style={{ marginBottom: 0 }}
                  >
                    <Input type="date" min={today} size={large ? 'large' : 'middle'} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'start']}
                    label={t('gig.jobForm.start')}
                    style={{ marginBottom: 0 }}
                  >
                    <Input type="time" step={900} size={large ? 'large' : 'middle'} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'end']}
                    label={t('gig.jobForm.end')}
                    style={{ marginBottom: 0 }}
                  >
                    <Input type="time" step={900} size={large ? 'large' : 'middle'} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'breakMinutes']}
                    label={t('gig.jobForm.break')}
                    style={{ marginBottom: 0 }}
                  >
                    <InputNumber
                      min={0}
                      max={240}
                      step={15}
                      precision={0}
                      size={large ? 'large' : 'middle'}
                      suffix={t('gig.jobForm.minutesUnit')}
                    />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('gig.jobForm.removeShift', { index: index + 1 })}
                    onClick={() => {
                      remove(field.name);
                    }}
                    disabled={fields.length <= 1}
                    className="gig-shift-remove"
                  />
                </div>
              ))}
              <Button
                icon={<PlusOutlined />}
                onClick={() => {
                  add(
                    nextShiftRow(
                      (form.getFieldValue('shifts') as ShiftRow[] | undefined) ?? [],
                      today,
                      nextDay,
                    ),
                  );
                }}
                disabled={fields.length >= 31}
                data-testid="job-add-shift"
              >
                {t('gig.jobForm.addShift')}
              </Button>
              <Form.ErrorList errors={errors} />
            </Flex>
          )}
        </Form.List>
      </fieldset>
      <FundsEstimate form={form} {...(available !== undefined ? { available } : {})} />
      {error && <ProblemAlert error={error} />}
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        block={large}
        className={large ? 'big-button' : undefined}
        loading={busy}
        data-testid="job-submit"
      >
        {submitLabel ?? t('gig.jobForm.submit')}
      </Button>
    </Form>
  );
}
