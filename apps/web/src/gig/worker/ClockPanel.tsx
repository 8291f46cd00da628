import { AimOutlined, EnvironmentFilled } from '@ant-design/icons';
import type { Assignment, ClockRequest } from '@jiedao/contracts';
import { Alert, Button, Flex, InputNumber, Spin, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime } from '../../format';
import { useProblemText } from '../../components/problemText';
import { distanceM, type LocateFailure } from '../geo';
import { gigApi, problemNumber, problemString } from '../gigApi';
import { locateReason, readPosition, type Fix } from '../locate';
import { useSubmission } from '../useSubmission';

const FenceChart = lazy(() => import('../maps/FenceChart'));

/**
 * 打卡: one big button reads the phone's position and clocks in (or out). The small chart shows the site,
 * its geofence and where the phone was; a refusal (outside the fence, too early…) is shown large, with
 * the distance and the radius the server measured.
 */
export function ClockPanel({
  assignment,
  kind,
  onDone,
}: {
  assignment: Assignment;
  kind: 'in' | 'out';
  onDone: (updated: Assignment) => void;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const submission = useSubmission();
  const [fix, setFix] = useState<Fix | null>(null);
  const [locating, setLocating] = useState(false);
  const [failure, setFailure] = useState<LocateFailure | null>(null);
  const [pieces, setPieces] = useState<number | null>(null);
  const piecework = kind === 'out' && assignment.job.wageKind === 'piece';
  const site = assignment.site;

  const clock = async () => {
    if (piecework && pieces === null) return;
    setLocating(true);
    setFailure(null);
    submission.clearError();
    let reading: Fix;
    try {
      reading = await readPosition();
    } catch (reason) {
      setFailure(locateReason(reason));
      return;
    } finally {
      setLocating(false);
    }
    setFix(reading);
    const body: ClockRequest = {
      location: reading.location,
      accuracyM: Math.min(10_000, Math.round(reading.accuracyM * 10) / 10),
      ...(piecework && pieces !== null ? { pieces } : {}),
    };
    const outcome = await submission.submit({ id: assignment.id, kind, ...body }, (key) =>
      gigApi<Assignment>(`/assignments/${encodeURIComponent(assignment.id)}/clock-${kind}`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) onDone(outcome.value);
  };

  const refused = submission.error?.code === 'clock_refused' ? submission.error : null;
  const refusedDistance = problemNumber(refused, 'distanceM');
  const refusedRadius = problemNumber(refused, 'radiusM');
  const refusedReason = problemString(refused, 'reason');
  const earliestAt = problemString(refused, 'earliestAt');
  const refusalTitle = refused ? problemText(refused) : '';
  const refusalHelp =
    refusedReason === 'outside_geofence' && refusedDistance !== null && refusedRadius !== null
      ? // The server's sentence usually names the figures already; then only say what to do.
        refusalTitle.includes(String(refusedDistance))
        ? t('gig.clock.moveCloser', { radius: refusedRadius })
        : t('gig.clock.refusedFigures', { distance: refusedDistance, radius: refusedRadius })
      : earliestAt
        ? t('gig.clock.earliest', { at: formatDateTime(earliestAt) })
        : refusedReason === 'poor_accuracy'
          ? t('gig.clock.poorAccuracy')
          : t('gig.clock.refusedHelp');
  const localDistance = fix ? Math.round(distanceM(site.location, fix.location)) : null;
  const texts = useMemo(
    () => ({
      site: t('gig.clock.site'),
      fence: t('gig.clock.fence', { metres: site.radiusM }),
      you: t('gig.clock.you'),
      east: t('gig.clock.east'),
      north: t('gig.clock.north'),
      label: t('gig.clock.chartLabel', { site: site.name }),
    }),
    [t, site.radiusM, site.name],
  );

  return (
    <Flex vertical gap={12} className="gig-inline-panel" data-testid={`clock-${kind}-panel`}>
      <Typography.Text>
        <EnvironmentFilled /> {site.name} · {site.address}
      </Typography.Text>
      <Typography.Text type="secondary">{t('gig.clock.rule', { metres: site.radiusM })}</Typography.Text>
      {piecework && (
        <Flex vertical gap={4}>
          <label htmlFor={`pieces-${assignment.id}`}>{t('gig.clock.pieces')}</label>
          <InputNumber
            id={`pieces-${assignment.id}`}
            min={0}
            max={100_000}
            precision={0}
            size="large"
            value={pieces}
            onChange={(value) => {
              setPieces(typeof value === 'number' ? value : null);
            }}
            style={{ width: 200 }}
            data-testid="clock-pieces"
          />
        </Flex>
      )}
      <Button
        type="primary"
        size="large"
        block
        className="big-button gig-clock-button"
        icon={<AimOutlined />}
        loading={locating || submission.busy}
        disabled={piecework && pieces === null}
        onClick={() => void clock()}
        data-testid={`clock-${kind}-submit`}
      >
        {locating ? t('gig.clock.locating') : kind === 'in' ? t('gig.clock.in') : t('gig.clock.out')}
      </Button>
      {failure && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t(`gig.clock.failure.${failure}`)}
          description={failure === 'denied' ? t('gig.clock.deniedHelp') : undefined}
          data-testid="clock-locate-failure"
        />
      )}
      {refused && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="gig-refusal"
          title={refusalTitle}
          description={refusalHelp}
          data-testid="clock-refused"
        />
      )}
      {submission.error && !refused && <ProblemAlert error={submission.error} />}
      {fix && (
        <>
          <Typography.Text data-testid="clock-distance">
            {t('gig.clock.whereYouAre', { metres: localDistance ?? 0, accuracy: Math.round(fix.accuracyM) })}
          </Typography.Text>
          <Suspense fallback={<Spin />}>
            <FenceChart
              site={site.location}
              radiusM={site.radiusM}
              position={fix.location}
              accuracyM={fix.accuracyM}
              texts={texts}
            />
          </Suspense>
        </>
      )}
    </Flex>
  );
}
