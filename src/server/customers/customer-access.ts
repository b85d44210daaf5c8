import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../auth/access.ts';
import type { Config } from '../config.ts';
import { AppError } from '../http/errors.ts';

/**
 * A customer may reach only its own organisation: any other id answers 404 NOT_FOUND, exactly like
 * a missing organisation, so ids of other customers cannot be probed. Staff pass.
 */
export function requireOwnOrganisation(viewer: Viewer, organisationId: string): void {
  if (viewer.kind === 'customer' && viewer.organisationId !== organisationId)
    throw organisationNotFound(organisationId);
}

/** Writes on an organisation's users: staff, or a customer-admin of that organisation (404 for another). */
export function requireOrganisationAdmin(viewer: Viewer, organisationId: string): void {
  requireOwnOrganisation(viewer, organisationId);
  if (viewer.kind === 'customer' && viewer.role !== 'customer-admin')
    throw new AppError('FORBIDDEN', "Only a customer-admin can manage the organisation's users.");
}

export function organisationNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No organisation ${id}.`);
}

/** Where links point: UPKEEP_PUBLIC_URL when set (behind a proxy it should be), else this request's address. */
export function baseUrlOf(request: FastifyRequest, config: Config): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}
