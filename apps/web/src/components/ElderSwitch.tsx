import { Switch } from 'antd';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useElderMode } from '../prefs/ElderMode';

/** The 长者模式 toggle, labelled in the current language (the label is clickable too). */
export function ElderSwitch() {
  const { t } = useTranslation();
  const { elder, setElder } = useElderMode();
  const id = useId();
  return (
    <span className="elder-switch">
      <Switch id={id} checked={elder} onChange={setElder} data-testid="elder-switch" />
      <label htmlFor={id} className="elder-switch-label">
        {t('header.elderMode')}
      </label>
    </span>
  );
}
