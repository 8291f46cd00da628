import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { Job } from '@jiedao/contracts';
import { Descriptions, Flex, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../format';
import { useGigLabels } from './labels';
import { sortByStart } from './time';
import { JobStatusTag, Money, ShiftTimes } from './ui';

/** A job's terms, for the worker deciding to apply and for the employer managing it. */
export function JobDetails({ job, distanceKm }: { job: Job; distanceKm?: number | null }) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  const items: DescriptionsProps['items'] = [
    { key: 'employer', label: t('gig.job.employer'), children: job.employerName },
    {
      key: 'site',
      label: t('gig.job.site'),
      children: (
        <Flex vertical gap={2}>
          <span>{job.site.name}</span>
          <span className="muted-small">{job.site.address}</span>
          {distanceKm != null && (
            <span className="muted-small">{t('gig.common.kmAway', { km: distanceKm.toFixed(1) })}</span>
          )}
        </Flex>
      ),
    },
    {
      key: 'wage',
      label: t('gig.job.wage'),
      children: (
        <span className="gig-wage">
          {labels.wage(job.wageKind, job.wageFen)}
          {job.wageKind === 'piece' && job.expectedPieces !== null
            ? ` · ${t('gig.contract.expectedPieces', { pieces: job.expectedPieces })}`
            : ''}
        </span>
      ),
    },
    { key: 'cycle', label: t('gig.job.cycle'), children: labels.cycle(job.settlementCycle) },
    {
      key: 'category',
      label: t('gig.job.category'),
      children: (
        <Flex gap={4} wrap="wrap">
          <Tag>{labels.category(job.category)}</Tag>
          {job.skills.map((skill) => (
            <Tag key={skill} color="blue">
              {labels.skill(skill)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: 'headcount',
      label: t('gig.job.headcount'),
      children: t('gig.job.hiredOf', { hired: job.hiredCount, headcount: job.headcount }),
    },
    {
      key: 'injury',
      label: t('gig.contract.injuryCover'),
      children: job.injuryCover ? (
        <Tag color="green" icon={<SafetyCertificateOutlined />}>
          {t('gig.contract.injuryYes')}
        </Tag>
      ) : (
        <Tag color="warning">{t('gig.contract.injuryNo')}</Tag>
      ),
    },
    { key: 'status', label: t('gig.job.status'), children: <JobStatusTag status={job.status} /> },
    {
      key: 'opened',
      label: t('gig.job.openedAt'),
      children: <span className="mono">{formatDateTime(job.openedAt)}</span>,
    },
  ];
  if (job.requirements)
    items.push({ key: 'requirements', label: t('gig.job.requirements'), children: job.requirements });
  return (
    <Flex vertical gap={12}>
      <Descriptions column={1} size="small" bordered items={items} />
      <div>
        <Typography.Text strong>{t('gig.contract.shifts', { shifts: job.shifts.length })}</Typography.Text>
        <ul className="gig-contract-shifts">
          {sortByStart(job.shifts).map((shift) => (
            <li key={shift.id}>
              <ShiftTimes startsAt={shift.startsAt} endsAt={shift.endsAt} breakMinutes={shift.breakMinutes} />
              {shift.holdFen > 0 && (
                <span className="muted-small">
                  {' '}
                  · {t('gig.job.upTo')} <Money fen={shift.holdFen} />
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
    </Flex>
  );
}
