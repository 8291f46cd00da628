import type { Kysely } from 'kysely';
import type { Database } from '../../platform/database/schema.js';

/**
 * The joins the gig services share. Every key in this schema is (tenant_id, id), so each join
 * matches the tenant as well as the id.
 */

/** Workers `w` with their person `p` (the name). */
export function workersWithPerson(db: Kysely<Database>) {
  return db
    .selectFrom('gigWorker as w')
    .innerJoin('person as p', (join) =>
      join.onRef('p.tenantId', '=', 'w.tenantId').onRef('p.id', '=', 'w.personId'),
    );
}

/** Assignments `a` with their shift `sh`. */
export function assignmentsWithShift(db: Kysely<Database>) {
  return db
    .selectFrom('gigAssignment as a')
    .innerJoin('gigShift as sh', (join) =>
      join.onRef('sh.tenantId', '=', 'a.tenantId').onRef('sh.id', '=', 'a.shiftId'),
    );
}

/** Assignments `a` with their shift `sh`, job `j`, site `s`, employer `e`, worker `w` and the worker's person `p`. */
export function assignmentsInFull(db: Kysely<Database>) {
  return assignmentsWithShift(db)
    .innerJoin('gigJob as j', (join) =>
      join.onRef('j.tenantId', '=', 'a.tenantId').onRef('j.id', '=', 'a.jobId'),
    )
    .innerJoin('gigSite as s', (join) =>
      join.onRef('s.tenantId', '=', 'j.tenantId').onRef('s.id', '=', 'j.siteId'),
    )
    .innerJoin('gigEmployer as e', (join) =>
      join.onRef('e.tenantId', '=', 'a.tenantId').onRef('e.id', '=', 'a.employerId'),
    )
    .innerJoin('gigWorker as w', (join) =>
      join.onRef('w.tenantId', '=', 'a.tenantId').onRef('w.id', '=', 'a.workerId'),
    )
    .innerJoin('person as p', (join) =>
      join.onRef('p.tenantId', '=', 'w.tenantId').onRef('p.id', '=', 'w.personId'),
    );
}

/** Jobs `j` with their site `s` and employer `e`. */
export function jobsWithSite(db: Kysely<Database>) {
  return db
    .selectFrom('gigJob as j')
    .innerJoin('gigSite as s', (join) =>
      join.onRef('s.tenantId', '=', 'j.tenantId').onRef('s.id', '=', 'j.siteId'),
    )
    .innerJoin('gigEmployer as e', (join) =>
      join.onRef('e.tenantId', '=', 'j.tenantId').onRef('e.id', '=', 'j.employerId'),
    );
}
