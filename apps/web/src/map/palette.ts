import type { FacilityType } from '@jiedao/contracts';

/**
 * Grid fills, one per community: the light half of Tableau 20, ten tints designed to stay apart from each
 * other, so neighbouring communities differ and the saturated facility markers stay readable on top.
 */
export const COMMUNITY_COLORS = [
  '#aec7e8',
  '#ffbb78',
  '#98df8a',
  '#ff9896',
  '#c5b0d5',
  '#c49c94',
  '#f7b6d2',
  '#c7c7c7',
  '#dbdb8d',
  '#9edae5',
] as const;

export const UNKNOWN_COMMUNITY_COLOR = '#f0f0f0';

/** Colour of the n-th community (by code order); more than ten communities wrap around. */
export function communityColor(index: number): string {
  if (index < 0) return UNKNOWN_COMMUNITY_COLOR;
  return COMMUNITY_COLORS[index % COMMUNITY_COLORS.length] ?? UNKNOWN_COMMUNITY_COLOR;
}

export interface FacilityStyle {
  color: string;
  symbol: 'circle' | 'rect' | 'roundRect' | 'triangle' | 'diamond' | 'pin';
  /** Added to the base marker size: service complexes are the anchors of the 15-minute living circle. */
  sizeBoost: number;
}

/** Saturated colour + shape per facility type, so types stay distinguishable without relying on colour alone. */
export const FACILITY_STYLES: Record<FacilityType, FacilityStyle> = {
  service_complex: { color: '#c41d7f', symbol: 'diamond', sizeBoost: 6 },
  elderly_canteen: { color: '#d4380d', symbol: 'circle', sizeBoost: 0 },
  study_room: { color: '#1d39c4', symbol: 'rect', sizeBoost: 0 },
  youth_palace: { color: '#5b8c00', symbol: 'triangle', sizeBoost: 2 },
  public_gym: { color: '#006d75', symbol: 'circle', sizeBoost: 0 },
  growth_station: { color: '#ad6800', symbol: 'triangle', sizeBoost: 2 },
  common_prosperity_station: { color: '#237804', symbol: 'rect', sizeBoost: 0 },
  youth_station: { color: '#722ed1', symbol: 'circle', sizeBoost: 0 },
  deliberation_hall: { color: '#614700', symbol: 'rect', sizeBoost: 0 },
  representative_studio: { color: '#cf1322', symbol: 'triangle', sizeBoost: 2 },
  living_room: { color: '#0958d9', symbol: 'diamond', sizeBoost: 2 },
  social_org_platform: { color: '#262626', symbol: 'circle', sizeBoost: 0 },
  industry_living_room: { color: '#d46b08', symbol: 'roundRect', sizeBoost: 0 },
};

/** Mixes a `#rrggbb` colour with black (`amount` 0..1), for hover states. */
export function shade(hex: string, amount: number): string {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match?.[1]) return hex;
  const value = Number.parseInt(match[1], 16);
  const factor = 1 - Math.min(1, Math.max(0, amount));
  const channel = (shift: number) =>
    Math.round(((value >> shift) & 0xff) * factor)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}
