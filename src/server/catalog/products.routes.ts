import { z } from 'zod';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import {
  CompatibilityCreateSchema,
  CompatibilityListSchema,
  CompatibilityQuerySchema,
  CompatibilitySchema,
  IdParamsSchema,
  PricesPutSchema,
  ProductCreateSchema,
  ProductLineSchema,
  ProductListQuerySchema,
  ProductSchema,
  ProductUpdateSchema,
} from '../../schema/catalog.schema.ts';
import { pageOf } from '../../schema/pagination.schema.ts';
import { viewerOf } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import type { CatalogDeps } from './catalog.deps.ts';
import { compatibilityInForce, declareCompatibility, listCompatibility } from './compatibility.service.ts';
import {
  createProduct,
  getProduct,
  listProducts,
  type ProductOutcome,
  replacePrices,
  updateProduct,
} from './products.service.ts';
import { isVisibleTo } from './release-visibility.ts';
import { linesOf, releasesInOrder } from './releases.service.ts';

export const READ = { access: { scope: 'catalog:read', customer: true } } as const;
export const WRITE = { access: { scope: 'catalog:write' } } as const;
export const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const WRITE_ERRORS = ['VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED'] as const;

export function registerProductRoutes(r: ZodApp, deps: CatalogDeps): void {
  r.post('/v1/products', {
    config: WRITE,
    schema: {
      tags: ['catalog'],
      summary: 'Create a product with its category, plan and list prices per currency.',
      body: ProductCreateSchema,
      response: {
        201: ProductSchema,
        ...errorResponses(...WRITE_ERRORS, 'ALREADY_EXISTS', 'UNKNOWN_REFERENCE'),
      },
    },
    handler: async (request, reply) => {
      const product = unwrap(await createProduct(deps.db, request.body, deps.clock()), request.body.slug);
      return reply.code(201).send(product);
    },
  });

  r.get('/v1/products', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: 'List products in creation order, a page at a time (`limit`, `cursor` = `nextCursor`).',
      querystring: ProductListQuerySchema,
      response: {
        200: pageOf(ProductSchema, 'ProductPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => listProducts(deps.db, request.query),
  });

  r.get('/v1/products/:id', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: 'One product with its list prices.',
      params: IdParamsSchema,
      response: { 200: ProductSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const product = await getProduct(deps.db, request.params.id);
      if (!product) throw notFound(request.params.id);
      return product;
    },
  });

  r.patch('/v1/products/:id', {
    config: WRITE,
    schema: {
      tags: ['catalog'],
      summary: "Change a product's name, category, description or plan, or archive/restore it.",
      params: IdParamsSchema,
      body: ProductUpdateSchema,
      response: { 200: ProductSchema, ...errorResponses(...WRITE_ERRORS, 'NOT_FOUND', 'UNKNOWN_REFERENCE') },
    },
    handler: async (request) =>
      unwrap(await updateProduct(deps.db, request.params.id, request.body, deps.clock()), request.params.id),
  });

  r.put('/v1/products/:id/prices', {
    config: WRITE,
    schema: {
      tags: ['catalog'],
      summary: 'Replace every list price of a product (one per currency, minor units).',
      params: IdParamsSchema,
      body: PricesPutSchema,
      response: { 200: ProductSchema, ...errorResponses(...WRITE_ERRORS, 'NOT_FOUND') },
    },
    handler: async (request) =>
      unwrap(await replacePrices(deps.db, request.params.id, request.body.prices), request.params.id),
  });

  r.get('/v1/products/:id/lines', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: 'The major-version lines of a product, highest first, with their first and latest release.',
      params: IdParamsSchema,
      response: {
        200: z.object({ items: z.array(ProductLineSchema) }),
        ...errorResponses(...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      await requireProduct(deps, request.params.id);
      const viewer = viewerOf(request);
      const now = deps.clock();
      const releases = await releasesInOrder(deps.db, request.params.id);
      return { items: linesOf(releases.filter((r) => isVisibleTo(viewer, r, now))) };
    },
  });

  registerCompatibilityRoutes(r, deps);
}

function registerCompatibilityRoutes(r: ZodApp, deps: CatalogDeps): void {
  r.post('/v1/products/:id/compatibility', {
    config: WRITE,
    schema: {
      tags: ['catalog'],
      summary: 'Declare the platform versions a product supports from a date on (R1.2; append-only).',
      params: IdParamsSchema,
      body: CompatibilityCreateSchema,
      response: {
        201: CompatibilitySchema,
        ...errorResponses(...WRITE_ERRORS, 'NOT_FOUND', 'ALREADY_EXISTS'),
      },
    },
    handler: async (request, reply) => {
      const outcome = await declareCompatibility(deps.db, request.params.id, request.body, deps.clock());
      if (outcome.ok) return reply.code(201).send(outcome.declaration);
      if (outcome.code === 'NOT_FOUND') throw notFound(request.params.id);
      throw new AppError(
        'ALREADY_EXISTS',
        `body.effectiveFrom: the product has a declaration from ${request.body.effectiveFrom} already; declarations are append-only, declare a later date.`,
        { id: outcome.id },
      );
    },
  });

  r.get('/v1/products/:id/compatibility', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: "A product's compatibility declarations and the one in force on a date (R1.2).",
      params: IdParamsSchema,
      querystring: CompatibilityQuerySchema,
      response: {
        200: CompatibilityListSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      await requireProduct(deps, request.params.id);
      const on = request.query.on ?? civilDateIn(deps.clock(), 'UTC');
      const [inForce, items] = [
        await compatibilityInForce(deps.db, request.params.id, on),
        await listCompatibility(deps.db, request.params.id),
      ];
      return { on, inForce, items };
    },
  });
}

async function requireProduct(deps: CatalogDeps, id: string): Promise<void> {
  if (!(await getProduct(deps.db, id))) throw notFound(id);
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No product ${id}.`);
}

function unwrap(outcome: ProductOutcome, subject: string) {
  if (outcome.ok) return outcome.product;
  switch (outcome.code) {
    case 'NOT_FOUND':
      throw notFound(subject);
    case 'ALREADY_EXISTS':
      throw new AppError('ALREADY_EXISTS', `body.slug: a product with slug ${subject} exists already.`, {
        id: outcome.id,
      });
    case 'UNKNOWN_PLAN':
      throw new AppError('UNKNOWN_REFERENCE', 'body.planKey: no stored plan has this key.', [
        { path: 'body.planKey', rule: 'exists', message: 'no stored plan has this key (see GET /v1/plans)' },
      ]);
  }
}
