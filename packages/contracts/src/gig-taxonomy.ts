/**
 * The gig market's vocabularies as plain arrays (no TypeBox), for the server, the web app and the
 * demo data alike: job categories and skill certificates with their Chinese and English names.
 */
export interface GigLabel {
  code: string;
  zh: string;
  en: string;
}

export const GIG_CATEGORIES = [
  { code: 'cleaning', zh: '保洁', en: 'Cleaning' },
  { code: 'moving', zh: '搬运装卸', en: 'Moving and loading' },
  { code: 'delivery', zh: '配送跑腿', en: 'Delivery' },
  { code: 'catering', zh: '餐饮帮工', en: 'Kitchen and catering' },
  { code: 'security', zh: '安保值守', en: 'Security' },
  { code: 'construction', zh: '建筑小工', en: 'Construction labour' },
  { code: 'gardening', zh: '绿化养护', en: 'Gardening' },
  { code: 'promotion', zh: '促销地推', en: 'Promotion' },
  { code: 'housekeeping', zh: '家政服务', en: 'Housekeeping' },
  { code: 'event_staff', zh: '会务活动', en: 'Event staff' },
  { code: 'warehouse', zh: '仓储分拣', en: 'Warehouse sorting' },
  { code: 'elderly_care', zh: '助老陪护', en: 'Elderly companion care' },
] as const satisfies readonly GigLabel[];
export const GIG_CATEGORY_CODES = GIG_CATEGORIES.map((category) => category.code);
export type GigCategoryCode = (typeof GIG_CATEGORIES)[number]['code'];

export const GIG_SKILLS = [
  { code: 'health_cert', zh: '健康证', en: 'Health certificate' },
  { code: 'forklift', zh: '叉车证', en: 'Forklift licence' },
  { code: 'electrician', zh: '电工证', en: 'Electrician licence' },
  { code: 'driving_c1', zh: 'C1驾照', en: 'Driving licence (C1)' },
  { code: 'first_aid', zh: '急救证', en: 'First aid' },
  { code: 'security_cert', zh: '保安员证', en: 'Security guard licence' },
  { code: 'cooking', zh: '厨艺', en: 'Cooking' },
  { code: 'heights', zh: '登高作业证', en: 'Work at height' },
  { code: 'english', zh: '英语', en: 'English' },
  { code: 'care_cert', zh: '养老护理员证', en: 'Elderly care certificate' },
] as const satisfies readonly GigLabel[];
export const GIG_SKILL_CODES = GIG_SKILLS.map((skill) => skill.code);
export type GigSkillCode = (typeof GIG_SKILLS)[number]['code'];

export const SETTLEMENT_CYCLES = ['daily', 'weekly', 'monthly'] as const;
export type SettlementCycleCode = (typeof SETTLEMENT_CYCLES)[number];
export const WAGE_KINDS = ['hour', 'day', 'piece'] as const;
export const GIG_JOB_STATUSES = ['open', 'filled', 'closed', 'cancelled'] as const;
export const GIG_APPLICATION_STATES = [
  'applied',
  'offered',
  'accepted',
  'hired',
  'declined',
  'withdrawn',
  'rejected',
  'cancelled',
] as const;
export const GIG_ASSIGNMENT_STATES = [
  'scheduled',
  'on_shift',
  'awaiting_confirmation',
  'disputed',
  'paid',
  'no_show',
  'cancelled',
] as const;
export const GIG_LOCATION_FLAGS = ['zero_accuracy', 'impossible_speed', 'repeated_fix', 'mocked'] as const;
export const GIG_DISPUTE_RESOLUTIONS = ['pay', 'refund', 'dismiss'] as const;
export const GIG_PAYOUT_STATES = ['requested', 'submitted', 'paid', 'refused'] as const;
