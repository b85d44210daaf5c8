import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { organisationIdFilter, type Viewer, viewerOf } from '../auth/access.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';

export type SystemsRouteDeps = { db: Kysely<Database>; config: Config; clock: () => Date };

// Staff with the customers scopes, and the owning customer: every user reads, a customer-admin writes.
export const READ = { scope: 'customers:read', customer: true } as const;
export const WRITE = { scope: 'customers:write', customer: true } as const;
export const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
export const TAGS = ['systems'];

/** A customer-user may look but not change the inventory; staff and customer-admins may. */
export function requireInventoryWriter(viewer: Viewer): void {
  if (viewer.kind === 'customer' && viewer.role !== 'customer-admin') {
    throw new AppError('FORBIDDEN', 'Only a customer-admin may change the organisation’s systems.');
  }
}

export function scopeOf(request: FastifyRequest): { viewer: Viewer; organisationId: string | null } {
  const viewer = viewerOf(request);
  return { viewer, organisationId: organisationIdFilter(viewer) };
}
