import type { ComplexTier, FacilityType } from '@jiedao/contracts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isConsentPurpose, isPiiField, isRole } from '../domain';
import { toLanguage, type Language } from '../i18n/languages';

export interface Labels {
  language: Language;
  /** Picks the English name when the UI is English and one exists. */
  localName: (name: string, nameEn: string | null | undefined) => string;
  facilityType: (type: FacilityType) => string;
  tier: (tier: ComplexTier | null) => string;
  /** Role codes from the server; unknown codes are shown as they are. */
  role: (role: string) => string;
  consentPurpose: (purpose: string) => string;
  piiField: (field: string) => string;
}

/** Translated names for the enumerations that appear across pages. */
export function useLabels(): Labels {
  const { t, i18n } = useTranslation();
  const language = toLanguage(i18n.language);
  return useMemo(
    () => ({
      language,
      localName: (name, nameEn) => (language === 'en' && nameEn ? nameEn : name),
      facilityType: (type) => t(`facilityType.${type}`),
      tier: (tier) => (tier ? t(`tier.${tier}`) : t('common.none')),
      role: (role) => (isRole(role) ? t(`role.${role}`) : role),
      consentPurpose: (purpose) => (isConsentPurpose(purpose) ? t(`consentPurpose.${purpose}`) : purpose),
      piiField: (field) => (isPiiField(field) ? t(`piiField.${field}`) : field),
    }),
    [t, language],
  );
}
