import type { WorkerProfile } from '@jiedao/contracts';
import { Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { GIG_API } from '../gigApi';
import { GigLiveProvider, useGigLive } from '../GigLive';
import { GigTabs } from '../ui';
import { ApplicationsPage } from './ApplicationsPage';
import { FeedPage } from './FeedPage';
import { InboxPage } from './InboxPage';
import { ShiftsPage } from './ShiftsPage';
import { WalletPage } from './WalletPage';
import { WorkerJobPage } from './WorkerJobPage';
import { WorkerProfilePage } from './WorkerProfilePage';
import { WorkerRegistration } from './WorkerRegistration';
import '../gig.css';
import '../texts';

function WorkerTabs() {
  const { t } = useTranslation();
  const live = useGigLive();
  return (
    <GigTabs
      label={t('gig.nav.worker')}
      tabs={[
        { to: '/gig/worker', end: true, label: t('gig.nav.feed'), testId: 'gig-tab-feed' },
        {
          to: '/gig/worker/applications',
          label: t('gig.nav.applications'),
          badge: live?.unseen.applications ?? 0,
          testId: 'gig-tab-applications',
        },
        {
          to: '/gig/worker/shifts',
          label: t('gig.nav.shifts'),
          badge: live?.unseen.assignments ?? 0,
          testId: 'gig-tab-shifts',
        },
        { to: '/gig/worker/wallet', label: t('gig.nav.wallet'), testId: 'gig-tab-wallet' },
        {
          to: '/gig/worker/inbox',
          label: t('gig.nav.inbox'),
          badge: live?.inbox?.unread ?? 0,
          testId: 'gig-tab-inbox',
        },
        { to: '/gig/worker/profile', label: t('gig.nav.profile'), testId: 'gig-tab-profile' },
      ]}
    />
  );
}

/**
 * 零工市场 for workers (mobile pages under /gig/worker): registration for those not yet registered,
 * then the feed, applications and contracts, shifts with clock-in, the wallet and the inbox.
 */
export default function WorkerApp() {
  const profile = useApi<WorkerProfile>(`${GIG_API}/worker/profile`);
  const [saved, setSaved] = useState<WorkerProfile | null>(null);
  const current = saved ?? profile.data;
  const unregistered = profile.error?.status === 404 && !saved;

  return (
    <div className="mobile-page resident-page gig-page" data-testid="gig-worker">
      {unregistered && <WorkerRegistration onRegistered={setSaved} />}
      {profile.error && !unregistered && !current && (
        <ProblemAlert error={profile.error} onRetry={profile.reload} />
      )}
      {!current && !profile.error && <Spin />}
      {current && (
        <GigLiveProvider audience="worker">
          <WorkerTabs />
          <Routes>
            <Route index element={<FeedPage />} />
            <Route path="jobs/:jobId" element={<WorkerJobPage />} />
            <Route path="applications" element={<ApplicationsPage />} />
            <Route path="shifts" element={<ShiftsPage />} />
            <Route path="wallet" element={<WalletPage />} />
            <Route path="inbox" element={<InboxPage />} />
            <Route path="profile" element={<WorkerProfilePage profile={current} onSaved={setSaved} />} />
            <Route path="*" element={<Navigate to="/gig/worker" replace />} />
          </Routes>
        </GigLiveProvider>
      )}
    </div>
  );
}
