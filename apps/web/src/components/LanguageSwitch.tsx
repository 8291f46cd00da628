import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { otherLanguage, toLanguage } from '../i18n/languages';

/** One button that switches between 中文 and English; the choice is remembered (see i18n/index.ts). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const target = otherLanguage(toLanguage(i18n.language));
  return (
    <Button
      icon={<GlobalOutlined />}
      onClick={() => void i18n.changeLanguage(target)}
      aria-label={t('header.switchLanguageLabel')}
      title={t('header.switchLanguageLabel')}
      data-testid="lang-switch"
      data-target-language={target}
    >
      <span lang={target}>{t('header.switchLanguage')}</span>
    </Button>
  );
}
