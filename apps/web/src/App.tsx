import { ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthProvider, useMe } from './auth/AuthContext';
import { RequireAuth } from './auth/RequireAuth';
import { FullPageSpin } from './components/FullPageSpin';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { toLanguage } from './i18n/languages';
import { AppShell } from './layout/AppShell';
import { canAccess, homePathFor, type PageKey } from './navigation';
import { distinctRoles } from './domain';
import { ElderModeProvider, useElderMode } from './prefs/ElderMode';
import { themeFor } from './theme';

// Every page is its own chunk; ECharts is only reachable from the map, the screen and the case panel.
const LoginPage = lazy(() => import('./pages/LoginPage'));
const ConsolePage = lazy(() => import('./pages/ConsolePage'));
const ScreenPage = lazy(() => import('./pages/ScreenPage'));
const TasksPage = lazy(() => import('./pages/TasksPage'));
const ReportPage = lazy(() => import('./pages/ReportPage'));
const MyReportsPage = lazy(() => import('./pages/MyReportsPage'));
const DevicesPage = lazy(() => import('./pages/DevicesPage'));
const SourcesPage = lazy(() => import('./pages/SourcesPage'));
const KpiPage = lazy(() => import('./pages/KpiPage'));
const MapPage = lazy(() => import('./pages/MapPage'));
const FacilitiesPage = lazy(() => import('./pages/FacilitiesPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const StatusPage = lazy(() => import('./pages/StatusPage'));
// 零工市场: each audience's pages are one chunk, with their own routes inside.
const GigWorkerApp = lazy(() => import('./gig/worker/WorkerApp'));
const GigEmployerApp = lazy(() => import('./gig/employer/EmployerApp'));
const GigConsoleApp = lazy(() => import('./gig/console/ConsoleApp'));

/** Base text style from the theme tokens (what antd's <App> would set, without pulling in modal/notification). */
function TokenRoot({ elder, children }: { elder: boolean; children: ReactNode }) {
  const { token } = theme.useToken();
  return (
    <div
      className={elder ? 'app-root elder' : 'app-root'}
      style={{
        color: token.colorText,
        fontSize: token.fontSize,
        lineHeight: token.lineHeight,
        fontFamily: token.fontFamily,
      }}
    >
      {children}
    </div>
  );
}

function Themed({ children }: { children: ReactNode }) {
  const { elder } = useElderMode();
  const { i18n } = useTranslation();
  const language = toLanguage(i18n.language);
  return (
    <ConfigProvider
      theme={themeFor(elder)}
      locale={language === 'en' ? enUS : zhCN}
      componentSize={elder ? 'large' : 'middle'}
    >
      <TokenRoot elder={elder}>{children}</TokenRoot>
    </ConfigProvider>
  );
}

/** Renders the page when the signed-in roles may use it, a 403 result otherwise (direct visits). */
function Guarded({ page, children }: { page: PageKey; children: ReactNode }) {
  const me = useMe();
  if (!canAccess(page, distinctRoles(me.roles))) return <StatusPage kind="forbidden" />;
  return children;
}

function HomeRedirect() {
  const me = useMe();
  return <Navigate to={homePathFor(distinctRoles(me.roles))} replace />;
}

export function App() {
  return (
    <ElderModeProvider>
      <Themed>
        <AuthProvider>
          <BrowserRouter>
            <Routes>
              <Route
                path="/login"
                element={
                  <Suspense fallback={<FullPageSpin />}>
                    <LoginPage />
                  </Suspense>
                }
              />
              {/* The wall display fills the screen: no shell, same sign-in and role rules. */}
              <Route
                path="/screen"
                element={
                  <RequireAuth>
                    <Guarded page="screen">
                      <PageErrorBoundary>
                        <Suspense fallback={<FullPageSpin />}>
                          <ScreenPage />
                        </Suspense>
                      </PageErrorBoundary>
                    </Guarded>
                  </RequireAuth>
                }
              />
              <Route
                element={
                  <RequireAuth>
                    <AppShell />
                  </RequireAuth>
                }
              >
                <Route index element={<HomeRedirect />} />
                <Route
                  path="console"
                  element={
                    <Guarded page="console">
                      <ConsolePage />
                    </Guarded>
                  }
                />
                <Route
                  path="tasks/*"
                  element={
                    <Guarded page="tasks">
                      <TasksPage />
                    </Guarded>
                  }
                />
                <Route
                  path="report"
                  element={
                    <Guarded page="report">
                      <ReportPage />
                    </Guarded>
                  }
                />
                <Route
                  path="my-reports"
                  element={
                    <Guarded page="myReports">
                      <MyReportsPage />
                    </Guarded>
                  }
                />
                <Route
                  path="devices"
                  element={
                    <Guarded page="devices">
                      <DevicesPage />
                    </Guarded>
                  }
                />
                <Route
                  path="sources"
                  element={
                    <Guarded page="sources">
                      <SourcesPage />
                    </Guarded>
                  }
                />
                <Route
                  path="kpis"
                  element={
                    <Guarded page="kpis">
                      <KpiPage />
                    </Guarded>
                  }
                />
                <Route
                  path="map"
                  element={
                    <Guarded page="map">
                      <MapPage />
                    </Guarded>
                  }
                />
                <Route
                  path="facilities"
                  element={
                    <Guarded page="facilities">
                      <FacilitiesPage />
                    </Guarded>
                  }
                />
                <Route
                  path="profile"
                  element={
                    <Guarded page="profile">
                      <ProfilePage />
                    </Guarded>
                  }
                />
                <Route
                  path="audit"
                  element={
                    <Guarded page="audit">
                      <AuditPage />
                    </Guarded>
                  }
                />
                <Route
                  path="gig/worker/*"
                  element={
                    <Guarded page="gigWorker">
                      <GigWorkerApp />
                    </Guarded>
                  }
                />
                <Route
                  path="gig/employer/*"
                  element={
                    <Guarded page="gigEmployer">
                      <GigEmployerApp />
                    </Guarded>
                  }
                />
                <Route
                  path="gig/console/*"
                  element={
                    <Guarded page="gigConsole">
                      <GigConsoleApp />
                    </Guarded>
                  }
                />
                <Route path="*" element={<StatusPage kind="not-found" />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </AuthProvider>
      </Themed>
    </ElderModeProvider>
  );
}
