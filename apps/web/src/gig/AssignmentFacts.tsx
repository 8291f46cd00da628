import { WarningOutlined } from '@ant-design/icons';
import type { Assignment } from '@jiedao/contracts';
import { Alert, Descriptions, Flex, Rate, Tag } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../format';
import { useGigLabels } from './labels';
import { Money, ShiftTimes, useDuration } from './ui';

/**
 * What happened on one shift: clock times and distances, lateness, early leave, the location warnings,
 * time worked, pieces, what was earned and paid, and until when the employer may confirm.
 */
export function AssignmentFacts({
  assignment,
  audience,
}: {
  assignment: Assignment;
  audience: 'worker' | 'employer';
}) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  const duration = useDuration();
  const none = t('common.none');
  const items: DescriptionsProps['items'] = [
    {
      key: 'shift',
      label: t('gig.shift.time'),
      children: (
        <ShiftTimes
          startsAt={assignment.shift.startsAt}
          endsAt={assignment.shift.endsAt}
          breakMinutes={assignment.shift.breakMinutes}
        />
      ),
    },
    {
      key: 'site',
      label: t('gig.job.site'),
      children: (
        <Flex vertical gap={2}>
          <span>{assignment.site.name}</span>
          <span className="muted-small">{assignment.site.address}</span>
        </Flex>
      ),
    },
    {
      key: 'wage',
      label: t('gig.job.wage'),
      children: labels.wage(assignment.job.wageKind, assignment.job.wageFen),
    },
    { key: 'hold', label: t('gig.shift.hold'), children: <Money fen={assignment.holdFen} /> },
    {
      key: 'in',
      label: t('gig.shift.clockIn'),
      children: assignment.clockInAt ? (
        <Flex vertical gap={2}>
          <span className="mono">{formatDateTime(assignment.clockInAt)}</span>
          {assignment.clockInDistanceM !== null && (
            <span className="muted-small">
              {t('gig.shift.distance', { metres: assignment.clockInDistanceM })}
            </span>
          )}
          {assignment.lateMinutes > 0 && (
            <Tag color="orange">{t('gig.shift.late', { minutes: assignment.lateMinutes })}</Tag>
          )}
        </Flex>
      ) : (
        none
      ),
    },
    {
      key: 'out',
      label: t('gig.shift.clockOut'),
      children: assignment.clockOutAt ? (
        <Flex vertical gap={2}>
          <span className="mono">{formatDateTime(assignment.clockOutAt)}</span>
          {assignment.clockOutDistanceM !== null && (
            <span className="muted-small">
              {t('gig.shift.distance', { metres: assignment.clockOutDistanceM })}
            </span>
          )}
          {assignment.earlyLeaveMinutes > 0 && (
            <Tag color="orange">{t('gig.shift.earlyLeave', { minutes: assignment.earlyLeaveMinutes })}</Tag>
          )}
        </Flex>
      ) : (
        none
      ),
    },
  ];
  if (assignment.workedMinutes !== null)
    items.push({ key: 'worked', label: t('gig.shift.worked'), children: duration(assignment.workedMinutes) });
  if (assignment.pieces !== null)
    items.push({
      key: 'pieces',
      label: t('gig.shift.pieces'),
      children: t('gig.shift.piecesValue', { pieces: assignment.pieces }),
    });
  if (assignment.earnedFen !== null)
    items.push({
      key: 'earned',
      label: t('gig.shift.earned'),
      children: <Money fen={assignment.earnedFen} strong />,
    });
  if (assignment.paidFen !== null)
    items.push({ key: 'paid', label: t('gig.shift.paid'), children: <Money fen={assignment.paidFen} /> });
  if (assignment.confirmedAt)
    items.push({
      key: 'confirmed',
      label: t('gig.shift.confirmedAt'),
      children: (
        <span>
          <span className="mono">{formatDateTime(assignment.confirmedAt)}</span>
          {assignment.confirmedBy
            ? ` · ${assignment.confirmedBy === 'auto' ? t('gig.shift.autoConfirmed') : assignment.confirmedBy}`
            : ''}
        </span>
      ),
    });
  if (assignment.myRating !== null)
    items.push({
      key: 'rating',
      label: t('gig.shift.myRating'),
      children: (
        <Rate
          disabled
          value={assignment.myRating}
          aria-label={t('gig.rating.stars', { stars: assignment.myRating })}
        />
      ),
    });

  return (
    <Flex vertical gap={8}>
      <Descriptions column={1} size="small" items={items} />
      {assignment.flags.length > 0 && (
        <Alert
          type="warning"
          showIcon
          icon={<WarningOutlined />}
          title={audience === 'employer' ? t('gig.shift.flagsEmployer') : t('gig.shift.flagsWorker')}
          description={
            <ul className="gig-flag-list">
              {assignment.flags.map((flag) => (
                <li key={flag} data-flag={flag}>
                  {labels.flag(flag)}
                </li>
              ))}
            </ul>
          }
          data-testid="location-flags"
        />
      )}
      {assignment.state === 'awaiting_confirmation' && assignment.confirmDueAt && (
        <Alert
          type="info"
          showIcon
          role="status"
          title={
            audience === 'employer'
              ? t('gig.shift.confirmDueEmployer', { at: formatDateTime(assignment.confirmDueAt) })
              : t('gig.shift.confirmDueWorker', { at: formatDateTime(assignment.confirmDueAt) })
          }
        />
      )}
      {assignment.openDispute && <Alert type="error" showIcon title={t('gig.shift.disputeOpen')} />}
    </Flex>
  );
}
