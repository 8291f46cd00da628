import type { CategoryCode, CategoryDefinition, LngLat, ReportRequest } from '@jiedao/contracts';
import { CATEGORIES } from '@jiedao/contracts/constants';

export type Audience = 'resident' | 'patrol';

/** What residents report most, in the order the buttons appear (big tiles first, the rest behind 更多). */
const COMMON: Record<Audience, readonly CategoryCode[]> = {
  resident: [
    'sanitation',
    'noise',
    'water_leak',
    'road_facility',
    'illegal_parking',
    'property_dispute',
    'neighbour_dispute',
    'elderly_help',
  ],
  patrol: [
    'safety_hazard',
    'sanitation',
    'illegal_construction',
    'street_vending',
    'illegal_parking',
    'road_facility',
    'neighbour_dispute',
    'elderly_help',
  ],
};

/** Categories a person never files by hand: device faults come from the devices, key tasks from the district. */
const SYSTEM_ONLY: ReadonlySet<CategoryCode> = new Set(['device_fault', 'key_task']);

/** Categories for the report form: the common ones, then the rest in the taxonomy's order. */
export function categoriesFor(audience: Audience): {
  common: CategoryDefinition[];
  more: CategoryDefinition[];
} {
  const byCode = new Map<string, CategoryDefinition>(CATEGORIES.map((category) => [category.code, category]));
  const common = COMMON[audience].flatMap((code) => {
    const category = byCode.get(code);
    return category ? [category] : [];
  });
  const chosen = new Set<string>(COMMON[audience]);
  const more = CATEGORIES.filter((category) => !chosen.has(category.code) && !SYSTEM_ONLY.has(category.code));
  return { common, more };
}

/** Emergencies a resident should phone in rather than type: the form points to 119 / 110 for these. */
export const EMERGENCY_CATEGORIES: ReadonlySet<CategoryCode> = new Set([
  'fire',
  'gas_leak',
  'traffic_accident',
  'public_order',
  'intrusion',
]);

export interface ReportDraft {
  category: CategoryCode;
  description: string;
  /** From the phone's position, or the centre of the community picked from the list. */
  location: LngLat | null;
  address: string;
  photoIds: readonly string[];
  reporterName?: string;
  reporterPhone?: string;
}

/** The API body for a report; empty optional fields are left out rather than sent blank. */
export function toReportRequest(draft: ReportDraft): ReportRequest {
  const request: ReportRequest = { category: draft.category, description: draft.description.trim() };
  if (draft.location) request.location = { lng: draft.location.lng, lat: draft.location.lat };
  const address = draft.address.trim();
  if (address) request.address = address;
  if (draft.photoIds.length > 0) request.photos = [...draft.photoIds];
  const name = draft.reporterName?.trim();
  if (name) request.reporterName = name;
  const phone = draft.reporterPhone?.trim();
  if (phone) request.reporterPhone = phone;
  return request;
}
