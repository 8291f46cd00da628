import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  CarryOutOutlined,
  ClusterOutlined,
  EditOutlined,
  EnvironmentOutlined,
  FileSearchOutlined,
  FundProjectionScreenOutlined,
  LogoutOutlined,
  ScheduleOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Flex, Layout, Menu, Tag } from 'antd';
import type { MenuProps } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth, useMe } from '../auth/AuthContext';
import { BrandMark } from '../components/BrandMark';
import { ElderSwitch } from '../components/ElderSwitch';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { PageErrorBoundary } from '../components/PageErrorBoundary';
import { PageSpin } from '../components/FullPageSpin';
import { PHONE_QUERY, useMediaQuery } from '../components/useMediaQuery';
import { distinctRoles } from '../domain';
import { toLanguage } from '../i18n/languages';
import { navigationFor, pageForPath, type PageKey } from '../navigation';
import { useElderMode } from '../prefs/ElderMode';

const { Header, Sider, Content } = Layout;

const ICONS: Record<PageKey, ReactNode> = {
  console: <AlertOutlined />,
  screen: <FundProjectionScreenOutlined />,
  tasks: <CarryOutOutlined />,
  report: <EditOutlined />,
  myReports: <FileSearchOutlined />,
  devices: <ClusterOutlined />,
  sources: <ApiOutlined />,
  kpis: <BarChartOutlined />,
  map: <EnvironmentOutlined />,
  facilities: <ShopOutlined />,
  profile: <UserOutlined />,
  audit: <AuditOutlined />,
  gigWorker: <ScheduleOutlined />,
  gigEmployer: <SolutionOutlined />,
  gigConsole: <TeamOutlined />,
};

type MenuItem = NonNullable<MenuProps['items']>[number];

export function AppShell() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const { elder } = useElderMode();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);
  // On a phone the side menu would take a quarter of the width: the pages go in a bottom tab bar.
  const phone = useMediaQuery(PHONE_QUERY);

  const roles = distinctRoles(me.roles);
  const nav = navigationFor(roles);
  const current = pageForPath(location.pathname);
  const english = toLanguage(i18n.language) === 'en';
  const tenantName = english ? me.tenant.nameEn : me.tenant.name;

  const items: MenuItem[] = nav.map((item) => {
    // Extra props on a menu item are passed to its <li>, which is what the end-to-end test clicks.
    const entry: MenuItem & { 'data-testid': string } = {
      key: item.key,
      icon: ICONS[item.key],
      label: t(item.labelKey),
      'data-testid': item.testId,
    };
    return entry;
  });

  const onMenuClick: MenuProps['onClick'] = ({ key }) => {
    const target = nav.find((item) => item.key === key);
    if (target && target.path !== location.pathname) void navigate(target.path);
  };

  const onLogout = () => {
    setLoggingOut(true);
    logout().then(
      () => void navigate('/login', { replace: true }),
      () => void navigate('/login', { replace: true }),
    );
  };

  return (
    <Layout className={phone ? 'shell shell-phone' : 'shell'}>
      <a className="skip-link" href="#main-content">
        {t('app.skipToContent')}
      </a>
      <Header className="shell-header">
        <Flex align="center" gap={12} className="shell-brand">
          <BrandMark size={elder ? 40 : 32} />
          <span className="shell-title">
            <strong>{t('app.name')}</strong>
            <span className="shell-title-sep" aria-hidden="true">
              ·
            </span>
            <span className="shell-tenant">{tenantName}</span>
          </span>
        </Flex>
        <Flex align="center" gap={elder ? 16 : 12} wrap="wrap" justify="flex-end" className="shell-actions">
          <Flex align="center" gap={8} className="shell-user" data-testid="current-user">
            <UserOutlined aria-hidden="true" />
            <strong className="shell-user-name">{me.name}</strong>
            <span className="shell-roles" aria-label={t('header.roles')}>
              {roles.map((role) => (
                <Tag key={role} color={elder ? undefined : 'blue'} variant={elder ? 'outlined' : 'filled'}>
                  {t(`role.${role}`)}
                </Tag>
              ))}
            </span>
          </Flex>
          <LanguageSwitch />
          <ElderSwitch />
          <Button
            icon={<LogoutOutlined />}
            onClick={onLogout}
            loading={loggingOut}
            data-testid="logout"
            aria-label={t('header.logout')}
            title={t('header.logout')}
          >
            {phone ? null : t('header.logout')}
          </Button>
        </Flex>
      </Header>
      <Layout>
        {!phone && (
          <Sider
            width={elder ? 240 : 208}
            collapsible
            collapsed={collapsed}
            onCollapse={setCollapsed}
            breakpoint="lg"
            collapsedWidth={elder ? 80 : 64}
            className="shell-sider"
            theme="light"
          >
            <nav aria-label={t('nav.label')}>
              <Menu
                mode="inline"
                items={items}
                selectedKeys={current ? [current] : []}
                onClick={onMenuClick}
                className="shell-menu"
              />
            </nav>
          </Sider>
        )}
        <Content id="main-content" className="shell-content" tabIndex={-1}>
          <PageErrorBoundary key={location.pathname}>
            <Suspense fallback={<PageSpin />}>
              <Outlet />
            </Suspense>
          </PageErrorBoundary>
        </Content>
      </Layout>
      {phone && (
        <nav className="tabbar" aria-label={t('nav.label')}>
          {nav.map((item) => (
            <button
              key={item.key}
              type="button"
              className={item.key === current ? 'tabbar-item tabbar-item-current' : 'tabbar-item'}
              aria-current={item.key === current ? 'page' : undefined}
              onClick={() => {
                if (item.path !== location.pathname) void navigate(item.path);
              }}
              data-testid={item.testId}
            >
              <span className="tabbar-icon" aria-hidden="true">
                {ICONS[item.key]}
              </span>
              <span className="tabbar-label">{t(item.labelKey)}</span>
            </button>
          ))}
        </nav>
      )}
    </Layout>
  );
}
