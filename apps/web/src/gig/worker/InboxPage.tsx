import { RightOutlined } from '@ant-design/icons';
import type { InboxItem } from '@jiedao/contracts';
import { Empty, Flex, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { formatDateTime } from '../../format';
import { gigApi } from '../gigApi';
import { useGigLive } from '../GigLive';

/** 消息: pushed jobs, offers, hires, payments. Opening one marks it read and goes to its job. */
export function InboxPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.inbox.title'));
  const navigate = useNavigate();
  const live = useGigLive();
  const inbox = live?.inbox ?? null;

  const open = (item: InboxItem) => {
    if (item.readAt === null) {
      live?.markRead(item.id, new Date().toISOString());
      gigApi(`/worker/inbox/${encodeURIComponent(item.id)}/read`, { method: 'POST' }).catch(() => undefined);
    }
    if (item.jobId) void navigate(`/gig/worker/jobs/${encodeURIComponent(item.jobId)}`);
  };

  if (!inbox) return null;
  return (
    <>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('gig.inbox.title')}
      </Typography.Title>
      {inbox.state.error && <ProblemAlert error={inbox.state.error} onRetry={inbox.state.reload} />}
      {!inbox.state.data && !inbox.state.error && <Spin />}
      {inbox.state.data && inbox.items.length === 0 && <Empty description={t('gig.inbox.empty')} />}
      <Flex vertical gap={8} data-testid="inbox">
        {inbox.items.map((item) => {
          const unread = item.readAt === null;
          return (
            <button
              key={item.id}
              type="button"
              className={unread ? 'gig-inbox-item gig-inbox-unread' : 'gig-inbox-item'}
              onClick={() => {
                open(item);
              }}
              data-testid="inbox-item"
              data-read={!unread}
            >
              <span className="gig-inbox-text">
                <span className="gig-inbox-title">
                  {unread && <span className="gig-dot" aria-label={t('gig.inbox.unread')} />}
                  {item.title}
                </span>
                <span>{item.body}</span>
                <span className="muted-small mono">{formatDateTime(item.createdAt)}</span>
              </span>
              {item.jobId && <RightOutlined aria-hidden="true" />}
            </button>
          );
        })}
      </Flex>
    </>
  );
}
