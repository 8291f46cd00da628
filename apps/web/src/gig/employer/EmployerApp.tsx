import type { EmployerProfile } from '@jiedao/contracts';
import { Spin } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { GIG_API } from '../gigApi';
import { GigLiveProvider, useGigLive } from '../GigLive';
import { GigTabs } from '../ui';
import { AttendancePage } from './AttendancePage';
import { EmployerContext, type Balances } from './employerContext';
import { EmployerJobPage } from './EmployerJobPage';
import { EmployerJobsPage } from './EmployerJobsPage';
import { EmployerRegistration } from './EmployerRegistration';
import { FundsPage } from './FundsPage';
import { PostJobPage } from './PostJobPage';
import { SitesPage } from './SitesPage';
import { WorkerSearchPage } from './WorkerSearchPage';
import '../gig.css';
import '../texts';

function EmployerTabs() {
  const { t } = useTranslation();
  const live = useGigLive();
  return (
    <GigTabs
      label={t('gig.nav.employer')}
      tabs={[
        {
          to: '/gig/employer',
          end: true,
          label: t('gig.nav.jobs'),
          badge: live?.unseen.applications ?? 0,
          testId: 'gig-tab-jobs',
        },
        { to: '/gig/employer/jobs/new', label: t('gig.nav.post'), testId: 'gig-tab-post' },
        {
          to: '/gig/employer/attendance',
          label: t('gig.nav.attendance'),
          badge: live?.unseen.assignments ?? 0,
          testId: 'gig-tab-attendance',
        },
        { to: '/gig/employer/workers', label: t('gig.nav.workers'), testId: 'gig-tab-workers' },
        { to: '/gig/employer/sites', label: t('gig.nav.sites'), testId: 'gig-tab-sites' },
        { to: '/gig/employer/funds', label: t('gig.nav.funds'), testId: 'gig-tab-funds' },
      ]}
    />
  );
}

/**
 * 零工市场 for employers (mobile pages under /gig/employer): registration, then jobs and hiring,
 * attendance, work sites, finding workers and the account's money.
 */
export default function EmployerApp() {
  const profile = useApi<EmployerProfile>(`${GIG_API}/employer/profile`);
  const [saved, setSaved] = useState<EmployerProfile | null>(null);
  const [balances, setBalances] = useState<{ base: EmployerProfile | undefined; balances: Balances } | null>(
    null,
  );
  const base = saved ?? profile.data;
  // Balances the server answered with since the profile was fetched (top-ups, deposits) win until a reload.
  const current = useMemo(
    () => (base && balances && balances.base === base ? { ...base, balances: balances.balances } : base),
    [base, balances],
  );
  const unregistered = profile.error?.status === 404 && !saved;
  const reloadProfile = profile.reload;

  const context = useMemo(
    () =>
      current
        ? {
            profile: current,
            setBalances: (next: Balances) => {
              setBalances({ base, balances: next });
            },
            reload: () => {
              setSaved(null);
              reloadProfile();
            },
          }
        : null,
    [current, base, reloadProfile],
  );

  return (
    <div className="mobile-page resident-page gig-page" data-testid="gig-employer">
      {unregistered && <EmployerRegistration onRegistered={setSaved} />}
      {profile.error && !unregistered && !current && (
        <ProblemAlert error={profile.error} onRetry={profile.reload} />
      )}
      {!current && !profile.error && <Spin />}
      {context && (
        <EmployerContext.Provider value={context}>
          <GigLiveProvider audience="employer">
            <EmployerTabs />
            <Routes>
              <Route index element={<EmployerJobsPage />} />
              <Route path="jobs/new" element={<PostJobPage />} />
              <Route path="jobs/:jobId" element={<EmployerJobPage />} />
              <Route path="attendance" element={<AttendancePage />} />
              <Route path="workers" element={<WorkerSearchPage />} />
              <Route path="sites" element={<SitesPage />} />
              <Route path="funds" element={<FundsPage />} />
              <Route path="*" element={<Navigate to="/gig/employer" replace />} />
            </Routes>
          </GigLiveProvider>
        </EmployerContext.Provider>
      )}
    </div>
  );
}
