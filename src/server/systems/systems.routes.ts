import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pageOf } from '../../schema/pagination.schema.ts';
import {
  SystemCreateRequestSchema,
  SystemDetailSchema,
  SystemIdParamsSchema,
  SystemItemCreateRequestSchema,
  SystemItemParamsSchema,
  SystemItemSchema,
  SystemListQuerySchema,
  SystemSchema,
  SystemUpdateRequestSchema,
  UserCountSchema,
} from '../../schema/systems.schema.ts';
import type { Viewer } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import { registerBackupRoutes } from './backups.routes.ts';
import { countSystemUsers } from './seat-count.service.ts';
import {
  DENIED,
  READ,
  requireInventoryWriter,
  type SystemsRouteDeps,
  scopeOf,
  TAGS,
  WRITE,
} from './system-access.ts';
import { registerSystemKeyRoutes } from './system-keys.routes.ts';
import {
  addItem,
  createSystem,
  listLiveItems,
  listSystems,
  removeItem,
  requireSystem,
  updateSystem,
} from './systems.service.ts';

/** The organisation a new system belongs to: a customer's own, or the one staff named. */
function owningOrganisation(viewer: Viewer, named: string | undefined): string {
  if (viewer.kind === 'customer') {
    if (named !== undefined && named !== viewer.organisationId) {
      throw new AppError('NOT_FOUND', `No organisation ${named}.`);
    }
    return viewer.organisationId;
  }
  if (named === undefined) {
    throw new AppError('VALIDATION_FAILED', 'Invalid request: body.organisationId: required for staff', [
      { path: 'body.organisationId', rule: 'required', message: 'staff must name the organisation' },
    ]);
  }
  return named;
}

/** The S4 systems routes: inventory, user count, system keys, and configuration backups. */
export function registerSystemsRoutes(app: FastifyInstance, deps: SystemsRouteDeps): void {
  registerInventoryRoutes(app, deps);
  registerSystemKeyRoutes(app, deps);
  registerBackupRoutes(app, deps);
}

function registerInventoryRoutes(app: FastifyInstance, deps: SystemsRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.post('/v1/systems', {
    config: { access: WRITE },
    schema: {
      tags: TAGS,
      summary: 'Register a customer system (phone system) whose items are counted per user (R4.1).',
      body: SystemCreateRequestSchema,
      response: {
        201: SystemSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request, reply) => {
      const { viewer } = scopeOf(request);
      requireInventoryWriter(viewer);
      const organisationId = owningOrganisation(viewer, request.body.organisationId);
      const system = await createSystem(
        db,
        { organisationId, name: request.body.name, contractId: request.body.contractId ?? null },
        deps.clock(),
      );
      return reply.code(201).send(system);
    },
  });

  r.get('/v1/systems', {
    config: { access: READ },
    schema: {
      tags: TAGS,
      summary: 'List systems (a customer sees only its own), by id.',
      querystring: SystemListQuerySchema,
      response: {
        200: pageOf(SystemSchema, 'SystemPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => {
      const { organisationId } = scopeOf(request);
      const { limit, cursor } = request.query;
      return listSystems(db, {
        limit,
        cursor,
        organisationId: organisationId ?? request.query.organisationId ?? null,
      });
    },
  });

  r.get('/v1/systems/:id', {
    config: { access: READ },
    schema: {
      tags: TAGS,
      summary: 'One system with its current items.',
      params: SystemIdParamsSchema,
      response: { 200: SystemDetailSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const system = await requireSystem(db, request.params.id, scopeOf(request).organisationId);
      return { ...system, items: await listLiveItems(db, [system.id]) };
    },
  });

  r.patch('/v1/systems/:id', {
    config: { access: WRITE },
    schema: {
      tags: TAGS,
      summary: 'Rename a system, or link it to (or unlink it from) a contract of its organisation.',
      params: SystemIdParamsSchema,
      body: SystemUpdateRequestSchema.nullish(),
      response: {
        200: SystemSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const { viewer, organisationId } = scopeOf(request);
      const system = await requireSystem(db, request.params.id, organisationId);
      requireInventoryWriter(viewer);
      return updateSystem(db, system, request.body ?? {});
    },
  });

  r.post('/v1/systems/:id/items', {
    config: { access: WRITE },
    schema: {
      tags: TAGS,
      summary: 'Add an item (phone, extension, app user, voicemail box, greeting menu) to a system.',
      params: SystemIdParamsSchema,
      body: SystemItemCreateRequestSchema,
      response: {
        201: SystemItemSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request, reply) => {
      const { viewer, organisationId } = scopeOf(request);
      const system = await requireSystem(db, request.params.id, organisationId);
      requireInventoryWriter(viewer);
      const { kind, label, assignedTo } = request.body;
      const item = await addItem(
        db,
        system.id,
        { kind, label, assignedTo: assignedTo ?? null },
        deps.clock(),
      );
      return reply.code(201).send(item);
    },
  });

  r.delete('/v1/systems/:id/items/:itemId', {
    config: { access: WRITE },
    schema: {
      tags: TAGS,
      summary: 'Remove an item: it stops counting from now on (kept with its removal time).',
      params: SystemItemParamsSchema,
      response: { 200: SystemItemSchema, ...errorResponses(...DENIED, 'CSRF_FAILED', 'NOT_FOUND') },
    },
    handler: async (request) => {
      const { viewer, organisationId } = scopeOf(request);
      const system = await requireSystem(db, request.params.id, organisationId);
      requireInventoryWriter(viewer);
      const item = await removeItem(db, system.id, request.params.itemId, deps.clock());
      if (!item) throw new AppError('NOT_FOUND', `No item ${request.params.itemId} on system ${system.id}.`);
      return item;
    },
  });

  r.get('/v1/systems/:id/user-count', {
    config: { access: READ },
    schema: {
      tags: TAGS,
      summary: "Counted users of the system under its contract's per-user plan (R4.1), person by person.",
      description:
        'A system without a contract, or whose plan is not priced per user, answers 422 PRICE_UNAVAILABLE.',
      params: SystemIdParamsSchema,
      response: { 200: UserCountSchema, ...errorResponses(...DENIED, 'NOT_FOUND', 'PRICE_UNAVAILABLE') },
    },
    handler: async (request) => {
      const system = await requireSystem(db, request.params.id, scopeOf(request).organisationId);
      return countSystemUsers(db, system);
    },
  });
}
