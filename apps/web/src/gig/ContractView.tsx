import { SafetyCertificateOutlined, WarningOutlined } from '@ant-design/icons';
import type { ContractTerms } from '@jiedao/contracts';
import { Alert, Descriptions, Flex, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { groupHash, summarizeContract } from './contract';
import { useGigLabels } from './labels';
import { sortByStart } from './time';
import { Money, ShiftTimes, useDuration } from './ui';

/**
 * The contract (用工协议) as both sides sign it: employer, site, every shift with its hold, the wage,
 * the total and the injury cover, and the SHA-256 of exactly these terms, which the confirmation sends
 * back so nobody signs a version the other side did not see.
 */
export function ContractView({ terms, hash }: { terms: ContractTerms; hash: string }) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  const duration = useDuration();
  const summary = summarizeContract(terms);
  const items: DescriptionsProps['items'] = [
    { key: 'title', label: t('gig.contract.job'), children: terms.title },
    {
      key: 'employer',
      label: t('gig.contract.employer'),
      children: (
        <Flex vertical gap={2}>
          <span>{terms.employer.name}</span>
          {terms.employer.uscc && (
            <span className="muted-small mono">{t('gig.contract.uscc', { uscc: terms.employer.uscc })}</span>
          )}
        </Flex>
      ),
    },
    {
      key: 'site',
      label: t('gig.contract.site'),
      children: (
        <Flex vertical gap={2}>
          <span>{terms.site.name}</span>
          <span className="muted-small">{terms.site.address}</span>
        </Flex>
      ),
    },
    {
      key: 'wage',
      label: t('gig.contract.wage'),
      children: (
        <span>
          {labels.wage(terms.wageKind, terms.wageFen)}
          {terms.wageKind === 'piece' && terms.expectedPieces !== null
            ? ` · ${t('gig.contract.expectedPieces', { pieces: terms.expectedPieces })}`
            : ''}
        </span>
      ),
    },
    { key: 'cycle', label: t('gig.contract.cycle'), children: labels.cycle(terms.settlementCycle) },
    {
      key: 'injury',
      label: t('gig.contract.injuryCover'),
      children: terms.injuryCover ? (
        <Tag color="green" icon={<SafetyCertificateOutlined />}>
          {t('gig.contract.injuryYes')}
        </Tag>
      ) : (
        <Tag color="warning" icon={<WarningOutlined />}>
          {t('gig.contract.injuryNo')}
        </Tag>
      ),
    },
  ];
  if (terms.requirements)
    items.push({ key: 'requirements', label: t('gig.contract.requirements'), children: terms.requirements });

  return (
    <Flex vertical gap={12} className="gig-contract" data-testid="contract">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('gig.contract.title')}
      </Typography.Title>
      <Descriptions column={1} size="small" bordered items={items} />
      <div>
        <Typography.Text strong>{t('gig.contract.shifts', { shifts: summary.shiftCount })}</Typography.Text>
        <ul className="gig-contract-shifts">
          {sortByStart(terms.shifts).map((shift) => (
            <li key={shift.id}>
              <ShiftTimes startsAt={shift.startsAt} endsAt={shift.endsAt} breakMinutes={shift.breakMinutes} />
              <span className="muted-small">
                {' '}
                · {t('gig.contract.holdPerShift')} <Money fen={shift.holdFen} />
              </span>
            </li>
          ))}
        </ul>
      </div>
      <Flex justify="space-between" wrap="wrap" gap={8} className="gig-contract-total">
        <span>{t('gig.contract.paidTime', { time: duration(summary.paidMinutes) })}</span>
        <span>
          {t('gig.contract.total')} <Money fen={terms.totalFen} strong />
        </span>
      </Flex>
      <Typography.Paragraph type="secondary" className="muted-small" style={{ margin: 0 }}>
        {t('gig.contract.holdExplained')}
      </Typography.Paragraph>
      {!summary.consistent && (
        <Alert type="error" showIcon role="alert" title={t('gig.contract.inconsistent')} />
      )}
      <div>
        <Typography.Text type="secondary">{t('gig.contract.hash')}</Typography.Text>
        <div className="mono secret-value gig-hash" data-testid="contract-hash">
          {groupHash(hash)}
        </div>
      </div>
    </Flex>
  );
}
