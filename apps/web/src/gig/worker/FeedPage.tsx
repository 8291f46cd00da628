import { EnvironmentOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import type { FeedItem } from '@jiedao/contracts';
import { Button, Card, Empty, Flex, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { GIG_API } from '../gigApi';
import { useLiveChannel } from '../GigLive';
import { useGigLabels } from '../labels';
import { FirstShift } from '../ui';

function FeedCard({ item }: { item: FeedItem }) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  const { job } = item;
  const left = Math.max(0, job.headcount - job.hiredCount);
  return (
    <Link
      to={`/gig/worker/jobs/${encodeURIComponent(job.id)}`}
      state={{ distanceKm: item.distanceKm }}
      className="task-link"
      data-testid="feed-item"
      data-job-id={job.id}
    >
      <Card className="mobile-card task-item-card">
        <Flex justify="space-between" gap={8}>
          <Flex vertical gap={6} style={{ minWidth: 0 }}>
            <Flex gap={8} align="center" wrap="wrap">
              <Typography.Text strong className="task-item-title">
                {job.title}
              </Typography.Text>
              {item.applied && <Tag color="blue">{t('gig.feed.applied')}</Tag>}
            </Flex>
            <Typography.Text className="gig-wage">{labels.wage(job.wageKind, job.wageFen)}</Typography.Text>
            <Typography.Text type="secondary">
              <EnvironmentOutlined /> {t('gig.common.km', { km: item.distanceKm.toFixed(1) })} ·{' '}
              {job.site.name}
            </Typography.Text>
            <FirstShift shifts={job.shifts} />
            <Flex gap={4} wrap="wrap">
              <Tag>{labels.category(job.category)}</Tag>
              {job.skills.map((skill) => (
                <Tag key={skill} color="blue">
                  {labels.skill(skill)}
                </Tag>
              ))}
              <Tag color={left > 0 ? 'green' : 'default'}>{t('gig.feed.left', { left })}</Tag>
              {job.injuryCover && <Tag color="cyan">{t('gig.feed.injuryCover')}</Tag>}
            </Flex>
            <Typography.Text type="secondary" className="muted-small">
              {job.employerName}
            </Typography.Text>
          </Flex>
          <RightOutlined className="task-item-arrow" aria-hidden="true" />
        </Flex>
      </Card>
    </Link>
  );
}

/** 找活: open jobs the worker can take, nearest first. */
export function FeedPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.feed.title'));
  const feed = useApi<FeedItem[]>(`${GIG_API}/worker/feed?limit=30`);
  // A pushed job arrives in the inbox: the feed may have grown too.
  useLiveChannel('inbox', feed.reload);
  const items = feed.data ? [...feed.data].sort((a, b) => a.distanceKm - b.distanceKm) : undefined;

  return (
    <>
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.feed.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} size="large" onClick={feed.reload} loading={feed.loading}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {feed.error && <ProblemAlert error={feed.error} onRetry={feed.reload} />}
      {!items && !feed.error && <Spin />}
      {items && items.length === 0 && (
        <Empty description={t('gig.feed.empty')}>
          <Link to="/gig/worker/profile">{t('gig.feed.widen')}</Link>
        </Empty>
      )}
      <Flex vertical gap={12} data-testid="feed">
        {items?.map((item) => (
          <FeedCard key={item.job.id} item={item} />
        ))}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
        <Link to="/gig/employer">{t('gig.register.hireInstead')}</Link>
      </Typography.Paragraph>
    </>
  );
}
