import { Card, Flex, Statistic, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatFen } from '../money';
import type { Balances } from './employerContext';

/** 可用余额 / 已冻结工资 / 工资保证金 at a glance. */
export function BalancesCard({ balances, extra }: { balances: Balances; extra?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card className="mobile-card" data-testid="balances">
      <Flex gap={24} wrap="wrap">
        <Statistic
          title={t('gig.funds.available')}
          value={formatFen(balances.availableFen)}
          data-testid="balance-available"
        />
        <Statistic
          title={t('gig.funds.held')}
          value={formatFen(balances.heldFen)}
          data-testid="balance-held"
        />
        <Statistic
          title={t('gig.funds.guarantee')}
          value={formatFen(balances.guaranteeFen)}
          data-testid="balance-guarantee"
        />
      </Flex>
      <Typography.Paragraph type="secondary" className="muted-small" style={{ margin: '8px 0 0' }}>
        {t('gig.funds.heldHint')}
      </Typography.Paragraph>
      {extra}
    </Card>
  );
}
