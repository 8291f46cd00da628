import type { ComplexTier, FacilityType, OpeningHours } from '@jiedao/contracts';

/** Chinese names used in exports (the web app has its own i18n catalogue). */
export const FACILITY_TYPE_ZH: Record<FacilityType, string> = {
  service_complex: '民生综合体',
  elderly_canteen: '老年食堂',
  study_room: '西湖书房',
  youth_palace: '嵌入式少年宫',
  public_gym: '百姓健身房',
  growth_station: '成长驿站',
  common_prosperity_station: '共富工作站',
  youth_station: '青荷驿站',
  deliberation_hall: '居民议事堂',
  representative_studio: '人大代表工作室',
  living_room: '居民会客厅',
  social_org_platform: '益之家',
  industry_living_room: '产业会客厅',
};

export const TIER_ZH: Record<ComplexTier, string> = {
  flagship: '旗舰式',
  star_moon: '星月式',
  pearl_chain: '珠链式',
};

const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** "周一至周五 08:00–17:00；周六 09:00–12:00" — consecutive days collapse into a range. */
export function formatOpeningHoursZh(hours: OpeningHours): string {
  return hours
    .map((slot) => {
      const days = [...slot.days].sort((a, b) => a - b);
      const first = days[0]!;
      const last = days.at(-1)!;
      const consecutive = days.every((day, index) => day === first + index);
      const dayText =
        days.length === 1
          ? WEEKDAY_ZH[first]
          : consecutive
            ? `${WEEKDAY_ZH[first]}至${WEEKDAY_ZH[last]}`
            : days.map((day) => WEEKDAY_ZH[day]).join('、');
      return `${dayText} ${slot.open}–${slot.close}`;
    })
    .join('；');
}
