import { Button, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  DAY_PERIODS,
  setPeriodEveryDay,
  toAvailability,
  togglePeriod,
  toWeekHours,
  WEEKDAYS,
  DEFAULT_WEEK_HOURS,
  type PeriodState,
} from './weekHours';

const STATE_CLASS: Record<PeriodState, string> = {
  on: 'gig-hours-cell gig-hours-on',
  off: 'gig-hours-cell',
  partial: 'gig-hours-cell gig-hours-partial',
};

/**
 * When the worker can work: per weekday, four parts of the day to tap on or off (a table of big
 * toggle buttons). A form control: `value` is the API's seven 24-bit masks.
 */
export function AvailabilityPicker({
  value,
  onChange,
}: {
  value?: number[];
  onChange?: (value: number[]) => void;
}) {
  const { t } = useTranslation();
  const masks = value ?? [...DEFAULT_WEEK_HOURS];
  const availability = toAvailability(masks);
  // Hours the picker cannot show (a "partial" part nobody tapped) are written back as they are.
  const change = (next: ReturnType<typeof toAvailability>) => onChange?.(toWeekHours(next, masks));

  return (
    <div className="gig-hours" data-testid="availability">
      <table>
        <caption className="muted-small">{t('gig.hours.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('gig.hours.day')}</th>
            {DAY_PERIODS.map((period, index) => {
              const allOn = availability.every((day) => day[index] === 'on');
              return (
                <th scope="col" key={period.key}>
                  <Button
                    type="link"
                    size="small"
                    onClick={() => {
                      change(setPeriodEveryDay(availability, index, !allOn));
                    }}
                    title={t('gig.hours.wholeWeek')}
                  >
                    <Flex vertical align="center" gap={0}>
                      <span>{t(`gig.hours.${period.key}`)}</span>
                      <span className="muted-small mono">
                        {String(period.from).padStart(2, '0')}–{String(period.to).padStart(2, '0')}
                      </span>
                    </Flex>
                  </Button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: WEEKDAYS }, (_, day) => (
            <tr key={day}>
              <th scope="row">{t(`weekday.${String(day + 1) as '1'}`)}</th>
              {DAY_PERIODS.map((period, index) => {
                const state = availability[day]?.[index] ?? 'off';
                const name = `${t(`weekday.${String(day + 1) as '1'}`)} ${t(`gig.hours.${period.key}`)}`;
                return (
                  <td key={period.key}>
                    <button
                      type="button"
                      className={STATE_CLASS[state]}
                      aria-pressed={state === 'on' ? true : state === 'partial' ? 'mixed' : false}
                      aria-label={name}
                      onClick={() => {
                        change(togglePeriod(availability, day, index));
                      }}
                      data-testid={`hours-${day + 1}-${period.key}`}
                    >
                      {state === 'on' ? '✓' : state === 'partial' ? t('gig.hours.partial') : ''}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <Typography.Paragraph type="secondary" className="muted-small" style={{ margin: '8px 0 0' }}>
        {t('gig.hours.hint')}
      </Typography.Paragraph>
    </div>
  );
}
