import { Type, type Static } from 'typebox';
import { PageQuery, Uuid } from './common.js';
import { COMPLEX_TIERS, FACILITY_TYPES } from './constants.js';

export const Position = Type.Tuple([Type.Number(), Type.Number()]);
export const PolygonGeometry = Type.Object({
  type: Type.Literal('Polygon'),
  coordinates: Type.Array(Type.Array(Position)),
});
export const MultiPolygonGeometry = Type.Object({
  type: Type.Literal('MultiPolygon'),
  coordinates: Type.Array(Type.Array(Type.Array(Position))),
});
export const AreaGeometry = Type.Union([PolygonGeometry, MultiPolygonGeometry]);

export const LngLat = Type.Object({
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
});
export type LngLat = Static<typeof LngLat>;

export const Tenant = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  timeZone: Type.String(),
  boundary: AreaGeometry,
});
export type Tenant = Static<typeof Tenant>;

export const Community = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  center: LngLat,
  gridCount: Type.Integer(),
  facilityCount: Type.Integer(),
});
export type Community = Static<typeof Community>;

export const GridSummary = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  communityId: Uuid,
  areaM2: Type.Number(),
});
export type GridSummary = Static<typeof GridSummary>;

export const CommunityDetail = Type.Object({
  ...Community.properties,
  grids: Type.Array(GridSummary),
});
export type CommunityDetail = Static<typeof CommunityDetail>;

export const GridFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Uuid,
  geometry: AreaGeometry,
  properties: Type.Object({
    id: Uuid,
    code: Type.String(),
    name: Type.String(),
    communityId: Uuid,
    communityCode: Type.String(),
    communityName: Type.String(),
    areaM2: Type.Number(),
  }),
});
export const GridFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(GridFeature),
});
export type GridFeatureCollection = Static<typeof GridFeatureCollection>;

export const LocateQuery = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);
export const LocateResult = Type.Object({
  grid: Type.Union([GridSummary, Type.Null()]),
  community: Type.Union([Type.Object({ id: Uuid, code: Type.String(), name: Type.String() }), Type.Null()]),
});
export type LocateResult = Static<typeof LocateResult>;

export const FacilityTypeSchema = Type.Enum(FACILITY_TYPES);

export const ComplexTierSchema = Type.Enum(COMPLEX_TIERS);

/** Opening hours: days are ISO weekdays 1 (Monday) to 7 (Sunday); times are local (Asia/Shanghai) HH:MM. */
export const OpeningHours = Type.Array(
  Type.Object(
    {
      days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7 }),
      open: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
      close: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 14 },
);
export type OpeningHours = Static<typeof OpeningHours>;

export const Facility = Type.Object({
  id: Uuid,
  type: FacilityTypeSchema,
  tier: Type.Union([ComplexTierSchema, Type.Null()]),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  communityId: Uuid,
  communityName: Type.String(),
  gridId: Type.Union([Uuid, Type.Null()]),
  gridCode: Type.Union([Type.String(), Type.Null()]),
  address: Type.String(),
  location: LngLat,
  openingHours: OpeningHours,
  phone: Type.Union([Type.String(), Type.Null()]),
  areaM2: Type.Union([Type.Integer(), Type.Null()]),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
});
export type Facility = Static<typeof Facility>;

export const FacilityQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    type: Type.Optional(FacilityTypeSchema),
    tier: Type.Optional(ComplexTierSchema),
    communityId: Type.Optional(Uuid),
    gridId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type FacilityQuery = Static<typeof FacilityQuery>;

export const CreateFacilityRequest = Type.Object(
  {
    type: FacilityTypeSchema,
    tier: Type.Optional(ComplexTierSchema),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.Optional(Type.String({ maxLength: 200 })),
    address: Type.String({ minLength: 1, maxLength: 300 }),
    location: LngLat,
    openingHours: OpeningHours,
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    areaM2: Type.Optional(Type.Integer({ minimum: 1 })),
    capacity: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type CreateFacilityRequest = Static<typeof CreateFacilityRequest>;

export const Building = Type.Object({
  id: Uuid,
  name: Type.String(),
  address: Type.String(),
  communityId: Uuid,
  gridId: Type.Union([Uuid, Type.Null()]),
  gridCode: Type.Union([Type.String(), Type.Null()]),
  location: LngLat,
  floors: Type.Union([Type.Integer(), Type.Null()]),
});
export type Building = Static<typeof Building>;

export const BuildingQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    communityId: Type.Optional(Uuid),
    gridId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type BuildingQuery = Static<typeof BuildingQuery>;
