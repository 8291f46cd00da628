import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { AllJobsPage } from './AllJobsPage';
import { DeskPage } from './DeskPage';
import { DisputesPage } from './DisputesPage';
import { KpisPage } from './KpisPage';
import { PayoutsPage } from './PayoutsPage';
import { SettlementPage } from './SettlementPage';
import '../gig.css';
import '../texts';

const SECTIONS = ['', 'disputes', 'payouts', 'settlement', 'desk', 'jobs'] as const;
type Section = (typeof SECTIONS)[number];
const SECTION_KEYS = {
  '': 'gig.nav.overview',
  disputes: 'gig.nav.disputes',
  payouts: 'gig.nav.payouts',
  settlement: 'gig.nav.settlement',
  desk: 'gig.nav.desk',
  jobs: 'gig.nav.allJobs',
} as const satisfies Record<Section, string>;

function sectionOf(pathname: string): Section {
  const rest = pathname.replace(/^\/gig\/console\/?/, '').split('/')[0] ?? '';
  return SECTIONS.find((section) => section === rest) ?? '';
}

/** 零工市场运营台 (staff console, under /gig/console): overview, disputes, payouts, settlement, the desk, all jobs. */
export default function ConsoleApp() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const current = sectionOf(location.pathname);

  return (
    <div className="page gig-console" data-testid="gig-console">
      <nav aria-label={t('gig.nav.console')}>
        <Menu
          mode="horizontal"
          selectedKeys={[current || 'overview']}
          items={SECTIONS.map((section) => ({
            key: section || 'overview',
            label: t(SECTION_KEYS[section]),
            'data-testid': `gig-console-${section || 'overview'}`,
          }))}
          onClick={({ key }) => {
            const target = key === 'overview' ? '/gig/console' : `/gig/console/${key}`;
            if (target !== location.pathname) void navigate(target);
          }}
          className="gig-console-menu"
        />
      </nav>
      <Routes>
        <Route index element={<KpisPage />} />
        <Route path="disputes" element={<DisputesPage />} />
        <Route path="payouts" element={<PayoutsPage />} />
        <Route path="settlement" element={<SettlementPage />} />
        <Route path="desk" element={<DeskPage />} />
        <Route path="jobs" element={<AllJobsPage />} />
        <Route path="*" element={<Navigate to="/gig/console" replace />} />
      </Routes>
    </div>
  );
}
