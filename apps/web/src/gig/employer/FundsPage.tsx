import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { formatFen } from '../money';
import { BalancesCard } from './BalancesCard';
import { useEmployer } from './employerContext';
import { GuaranteeForm, TopUpForm } from './TopUpForm';

/** 资金: the balances, topping up, and the wage guarantee deposit. */
export function FundsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.funds.title'));
  const employer = useEmployer();
  const notice = useNotice();
  const { balances } = employer.profile;

  return (
    <>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('gig.funds.title')}
      </Typography.Title>
      {notice.node}
      <BalancesCard balances={balances} />
      <Card className="mobile-card" title={t('gig.funds.topUp')}>
        <TopUpForm
          onDone={(next, amountFen) => {
            employer.setBalances(next);
            notice.notify('success', t('gig.funds.topUpDone', { amount: formatFen(amountFen) }));
          }}
        />
      </Card>
      <Card className="mobile-card" title={t('gig.funds.guaranteeTitle')}>
        <Typography.Paragraph>{t('gig.funds.guaranteeIntro')}</Typography.Paragraph>
        <GuaranteeForm
          available={balances.availableFen}
          onDone={(profile) => {
            employer.setBalances(profile.balances);
            notice.notify('success', t('gig.funds.depositDone'));
          }}
        />
      </Card>
    </>
  );
}
