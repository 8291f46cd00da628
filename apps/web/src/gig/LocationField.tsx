import { AimOutlined, EnvironmentOutlined } from '@ant-design/icons';
import type { LngLat } from '@jiedao/contracts';
import { Alert, Button, Flex, Input, Spin, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseLngLat, roundCoordinate, type LocateFailure } from './geo';
import { locateReason, readPosition } from './locate';

const PickMap = lazy(() => import('./maps/PickMap'));

/**
 * A place as a form control: the phone's position, a tap on the grid map, or coordinates typed in
 * (for staff who read them off another system). `radiusM` draws the geofence around it.
 */
export function LocationField({
  value,
  onChange,
  radiusM,
  testId,
}: {
  value?: LngLat | null;
  onChange?: (value: LngLat) => void;
  radiusM?: number;
  testId: string;
}) {
  const { t } = useTranslation();
  const [locating, setLocating] = useState(false);
  const [failure, setFailure] = useState<LocateFailure | null>(null);
  const [showMap, setShowMap] = useState(false);
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState(false);
  const current = value ?? null;

  const locate = () => {
    setLocating(true);
    setFailure(null);
    readPosition(15_000)
      .then((fix) => {
        onChange?.({ lng: roundCoordinate(fix.location.lng), lat: roundCoordinate(fix.location.lat) });
      })
      .catch((reason: unknown) => {
        setFailure(locateReason(reason));
      })
      .finally(() => {
        setLocating(false);
      });
  };

  const applyTyped = () => {
    const point = parseLngLat(typed);
    setTypedError(point === null);
    if (point) onChange?.({ lng: roundCoordinate(point.lng), lat: roundCoordinate(point.lat) });
  };

  return (
    <Flex vertical gap={8} data-testid={testId}>
      <Typography.Text data-testid={`${testId}-value`}>
        <EnvironmentOutlined />{' '}
        {current ? (
          <span className="mono">
            {current.lng.toFixed(6)}, {current.lat.toFixed(6)}
          </span>
        ) : (
          t('gig.location.none')
        )}
      </Typography.Text>
      <Flex gap={8} wrap="wrap">
        <Button
          icon={<AimOutlined />}
          size="large"
          onClick={locate}
          loading={locating}
          data-testid={`${testId}-locate`}
        >
          {locating ? t('gig.location.locating') : t('gig.location.useMine')}
        </Button>
        <Button
          size="large"
          onClick={() => {
            setShowMap((open) => !open);
          }}
          aria-expanded={showMap}
          data-testid={`${testId}-map-toggle`}
        >
          {showMap ? t('gig.location.hideMap') : t('gig.location.pickOnMap')}
        </Button>
      </Flex>
      {failure && (
        <Alert type="warning" showIcon role="status" title={t(`gig.location.failure.${failure}`)} />
      )}
      {showMap && (
        <Suspense fallback={<Spin />}>
          <Typography.Text type="secondary">{t('gig.location.tapHint')}</Typography.Text>
          <PickMap
            value={current}
            {...(radiusM ? { radiusM } : {})}
            onPick={(point) => onChange?.(point)}
            label={t('gig.location.mapLabel')}
            unavailable={t('gig.location.mapUnavailable')}
          />
        </Suspense>
      )}
      <Flex gap={8}>
        <Input
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
            setTypedError(false);
          }}
          onPressEnter={(event) => {
            event.preventDefault();
            applyTyped();
          }}
          placeholder={t('gig.location.typePlaceholder')}
          aria-label={t('gig.location.type')}
          status={typedError ? 'error' : ''}
          data-testid={`${testId}-typed`}
        />
        <Button onClick={applyTyped} data-testid={`${testId}-apply`}>
          {t('gig.location.apply')}
        </Button>
      </Flex>
      {typedError && <Typography.Text type="danger">{t('gig.location.typeInvalid')}</Typography.Text>}
    </Flex>
  );
}
