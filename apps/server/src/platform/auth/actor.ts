import type { Role, RoleAssignment } from '@jiedao/contracts';
import { forbidden, unauthenticated } from '../errors.js';

/** Who is calling: resolved from the session cookie for every /api request. */
export interface Actor {
  tenantId: string;
  accountId: string;
  personId: string;
  sessionId: string;
  roles: RoleAssignment[];
}

export function hasRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.roles.some((assignment) => roles.includes(assignment.role));
}

/** The first of `roles` the actor holds, for audit records; undefined when none. */
export function firstRole(actor: Actor, roles: readonly Role[]): Role | undefined {
  return actor.roles.find((assignment) => roles.includes(assignment.role))?.role;
}

export function requireActor(actor: Actor | undefined): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}

/** Throws 403 unless the actor holds one of `roles`. */
export function assertRole(actor: Actor, roles: readonly Role[]): void {
  if (!hasRole(actor, roles)) throw forbidden(`This needs one of the roles: ${roles.join(', ')}`);
}
