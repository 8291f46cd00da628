import {
  Building,
  BuildingQuery,
  Community,
  CommunityDetail,
  CreateFacilityRequest,
  Facility,
  FacilityQuery,
  GridFeatureCollection,
  IdParams,
  LocateQuery,
  LocateResult,
  Paged,
  Tenant,
} from '@jiedao/contracts';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, authenticated } from '../../platform/auth/auth-plugin.js';
import type { AppContext } from '../../platform/context.js';
import { attachmentHeader, buildWorkbook, XLSX_CONTENT_TYPE } from '../../platform/export/xlsx.js';
import { PROBLEM_RESPONSES, typed } from '../../platform/http/route-helpers.js';
import { FACILITY_TYPE_ZH, formatOpeningHoursZh, TIER_ZH } from './facility-labels.js';
import type { GridLocator } from './grid-locator.js';
import * as places from './places.service.js';

export function registerPlacesRoutes(fastify: FastifyInstance, ctx: AppContext, locator: GridLocator): void {
  const app = typed(fastify);
  const tags = ['places'];

  app.get(
    '/api/places/tenant',
    {
      schema: {
        tags,
        summary: 'My subdistrict with its boundary',
        response: { 200: Tenant, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.getTenant(ctx, actorOf(request)),
  );

  app.get(
    '/api/places/communities',
    {
      schema: {
        tags,
        summary: 'Communities with grid and facility counts',
        response: { 200: Type.Array(Community), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.listCommunities(ctx, actorOf(request)),
  );

  app.get(
    '/api/places/communities/:id',
    {
      schema: {
        tags,
        summary: 'A community with its grids',
        params: IdParams,
        response: { 200: CommunityDetail, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.getCommunity(ctx, actorOf(request), request.params.id),
  );

  app.get(
    '/api/places/grids',
    {
      schema: {
        tags,
        summary: 'All grids as a GeoJSON FeatureCollection',
        response: { 200: GridFeatureCollection, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.getGridFeatures(ctx, actorOf(request)),
  );

  app.get(
    '/api/places/grids/locate',
    {
      schema: {
        tags,
        summary: 'The grid and community containing a point',
        querystring: LocateQuery,
        response: { 200: LocateResult, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.locate(ctx, locator, actorOf(request), request.query),
  );

  app.get(
    '/api/places/buildings',
    {
      schema: {
        tags,
        summary: 'Buildings with search, filters and paging',
        querystring: BuildingQuery,
        response: { 200: Paged(Building), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.listBuildings(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/places/facilities',
    {
      schema: {
        tags,
        summary: 'Facilities with search, filters and paging',
        querystring: FacilityQuery,
        response: { 200: Paged(Facility), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.listFacilities(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/places/facilities/export.xlsx',
    {
      schema: {
        tags,
        summary: 'The filtered facilities as an Excel workbook',
        querystring: FacilityQuery,
        produces: [XLSX_CONTENT_TYPE],
      },
      onRequest: authenticated,
    },
    async (request, reply) => {
      const rows = await places.listAllFacilities(ctx, actorOf(request), { ...request.query, page: 1 });
      const buffer = await buildWorkbook<Facility>(
        '设施 Facilities',
        [
          { header: '名称 Name', width: 28, value: (f) => f.name },
          { header: '类型 Type', width: 16, value: (f) => FACILITY_TYPE_ZH[f.type] },
          { header: '层级 Tier', width: 10, value: (f) => (f.tier ? TIER_ZH[f.tier] : '') },
          { header: '社区 Community', width: 14, value: (f) => f.communityName },
          { header: '网格 Grid', width: 14, value: (f) => f.gridCode },
          { header: '地址 Address', width: 36, value: (f) => f.address },
          { header: '开放时间 Hours', width: 32, value: (f) => formatOpeningHoursZh(f.openingHours) },
          { header: '电话 Phone', width: 16, value: (f) => f.phone },
          { header: '经度 Lng', width: 12, value: (f) => f.location.lng },
          { header: '纬度 Lat', width: 12, value: (f) => f.location.lat },
        ],
        rows,
      );
      const date = new Date().toISOString().slice(0, 10);
      return reply
        .type(XLSX_CONTENT_TYPE)
        .header('content-disposition', attachmentHeader(`设施-${date}.xlsx`, `facilities-${date}.xlsx`))
        .send(buffer);
    },
  );

  app.get(
    '/api/places/facilities/:id',
    {
      schema: {
        tags,
        summary: 'One facility',
        params: IdParams,
        response: { 200: Facility, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => places.getFacility(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/api/places/facilities',
    {
      schema: {
        tags,
        summary: 'Add a facility (tenant admins); community and grid follow from its location',
        body: CreateFacilityRequest,
        response: { 201: Facility, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    async (request, reply) =>
      reply.status(201).send(await places.createFacility(ctx, locator, actorOf(request), request.body)),
  );
}
