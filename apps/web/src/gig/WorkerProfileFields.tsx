import { SETTLEMENT_CYCLES } from '@jiedao/contracts/constants';
import { Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { AvailabilityPicker } from './AvailabilityPicker';
import { useGigLabels } from './labels';
import { LocationField } from './LocationField';
import { ACCOUNT_NUMBER, cleanAccountNo, RADIUS_CHOICES_KM } from './profileForm';
import { TileMultiSelect, TileSelect } from './ui';
import { hasAnyHours } from './weekHours';

/**
 * The worker profile's fields, for a surrounding <Form> (registration, editing, the offline desk):
 * what work, which certificates, where from and how far, when, how often paid, and to which card.
 */
export function WorkerProfileFields({
  payoutRequired = false,
  existingAccount = null,
}: {
  payoutRequired?: boolean;
  /** The masked card on file, when editing: the account fields then replace it. */
  existingAccount?: string | null;
}) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  return (
    <>
      <Form.Item
        name="categories"
        label={t('gig.profile.categories')}
        extra={t('gig.profile.categoriesHint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('gig.profile.categoriesRequired') }]}
      >
        <TileMultiSelect
          options={labels.categoryOptions}
          label={t('gig.profile.categories')}
          testIdPrefix="profile-category"
          max={12}
        />
      </Form.Item>
      <Form.Item name="skills" label={t('gig.profile.skills')} extra={t('gig.profile.skillsHint')}>
        <TileMultiSelect
          options={labels.skillOptions}
          label={t('gig.profile.skills')}
          testIdPrefix="profile-skill"
          max={10}
        />
      </Form.Item>
      <Form.Item
        name="home"
        label={t('gig.profile.home')}
        extra={t('gig.profile.homeHint')}
        rules={[{ required: true, message: t('gig.profile.homeRequired') }]}
      >
        <LocationField testId="profile-home" />
      </Form.Item>
      <Form.Item name="radiusKm" label={t('gig.profile.radius')}>
        <TileSelect
          options={RADIUS_CHOICES_KM.map((km) => ({ value: km, label: t('gig.common.km', { km }) }))}
          label={t('gig.profile.radius')}
          testIdPrefix="profile-radius"
        />
      </Form.Item>
      <Form.Item
        name="weekHours"
        label={t('gig.profile.availability')}
        rules={[
          {
            validator: (_, value: unknown) =>
              Array.isArray(value) && hasAnyHours(value as number[])
                ? Promise.resolve()
                : Promise.reject(new Error(t('gig.profile.availabilityRequired'))),
          },
        ]}
      >
        <AvailabilityPicker />
      </Form.Item>
      <Form.Item name="settlementCycle" label={t('gig.profile.cycle')} extra={t('gig.profile.cycleHint')}>
        <TileSelect
          options={SETTLEMENT_CYCLES.map((cycle) => ({ value: cycle, label: labels.cycle(cycle) }))}
          label={t('gig.profile.cycle')}
          testIdPrefix="profile-cycle"
        />
      </Form.Item>
      <fieldset className="gig-fieldset">
        <legend>{t('gig.profile.payout')}</legend>
        <Typography.Paragraph type="secondary">
          {existingAccount
            ? t('gig.profile.payoutOnFile', { account: existingAccount })
            : t('gig.profile.payoutHint')}
        </Typography.Paragraph>
        <Form.Item
          name="payoutName"
          label={t('gig.profile.payoutName')}
          dependencies={['payoutAccountNo']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, value: unknown) => {
                const account = cleanAccountNo(getFieldValue('payoutAccountNo') as string | undefined);
                const name = typeof value === 'string' ? value.trim() : '';
                if (!name && (payoutRequired || account))
                  return Promise.reject(new Error(t('gig.profile.payoutNameRequired')));
                return Promise.resolve();
              },
            }),
          ]}
        >
          <Input maxLength={40} autoComplete="name" data-testid="profile-payout-name" />
        </Form.Item>
        <Form.Item
          name="payoutAccountNo"
          label={t('gig.profile.payoutAccount')}
          dependencies={['payoutName']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, value: unknown) => {
                const account = cleanAccountNo(typeof value === 'string' ? value : undefined);
                const name = (getFieldValue('payoutName') as string | undefined)?.trim();
                if (!account && !payoutRequired && !name) return Promise.resolve();
                return ACCOUNT_NUMBER.test(account)
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('gig.profile.payoutAccountInvalid')));
              },
            }),
          ]}
        >
          <Input inputMode="numeric" maxLength={23} autoComplete="off" data-testid="profile-payout-account" />
        </Form.Item>
      </fieldset>
    </>
  );
}
