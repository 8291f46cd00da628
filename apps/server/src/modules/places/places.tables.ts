import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: read as the parsed value, written as a JSON string (pg would turn JS arrays into SQL arrays). */
export type Json<T> = ColumnType<T, string, string>;

export interface TenantTable {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  timeZone: Generated<string>;
  boundary: Json<unknown>;
  createdAt: Generated<Date>;
}

export interface CommunityTable {
  tenantId: string;
  id: string;
  code: string;
  name: string;
  nameEn: string;
  centerLng: number;
  centerLat: number;
  createdAt: Generated<Date>;
}

export interface GridTable {
  tenantId: string;
  id: string;
  communityId: string;
  code: string;
  name: string;
  geometry: Json<unknown>;
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
  areaM2: number;
  createdAt: Generated<Date>;
}

export interface BuildingTable {
  tenantId: string;
  id: string;
  communityId: string;
  gridId: string | null;
  name: string;
  address: string;
  lng: number;
  lat: number;
  floors: number | null;
  createdAt: Generated<Date>;
}

export interface FacilityTable {
  tenantId: string;
  id: string;
  type: string;
  tier: string | null;
  name: string;
  nameEn: string | null;
  communityId: string;
  gridId: string | null;
  buildingId: string | null;
  address: string;
  lng: number;
  lat: number;
  openingHours: Json<unknown>;
  phone: string | null;
  areaM2: number | null;
  capacity: number | null;
  createdAt: Generated<Date>;
  updatedAt: Timestamp;
}

export interface PlacesTables {
  tenant: TenantTable;
  community: CommunityTable;
  grid: GridTable;
  building: BuildingTable;
  facility: FacilityTable;
}

export type TenantRow = Selectable<TenantTable>;
export type CommunityRow = Selectable<CommunityTable>;
export type GridRow = Selectable<GridTable>;
export type FacilityRow = Selectable<FacilityTable>;
export type NewFacility = Insertable<FacilityTable>;
