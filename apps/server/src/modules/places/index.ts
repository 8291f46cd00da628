/**
 * Places: the tenant (subdistrict), its communities, grids, buildings and facilities, and the
 * point → grid lookup every other module routes by. Other modules import only from here.
 */
export { registerPlacesRoutes } from './places.routes.js';
export { GridLocator, type LocatedGrid } from './grid-locator.js';
export { importGrids, type GridImportResult, type GridImportProblem } from './import-grids.service.js';
export { FACILITY_TYPE_ZH, TIER_ZH, formatOpeningHoursZh } from './facility-labels.js';
export * as placesRepository from './places.repository.js';
export type { PlacesTables } from './places.tables.js';
