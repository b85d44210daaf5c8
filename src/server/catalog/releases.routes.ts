import type { FastifyRequest } from 'fastify';
import {
  IdParamsSchema,
  ProductReleaseListQuerySchema,
  type Release,
  ReleaseCreateSchema,
  ReleaseListQuerySchema,
  ReleaseSchema,
} from '../../schema/catalog.schema.ts';
import { pageOf } from '../../schema/pagination.schema.ts';
import { viewerOf } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import type { CatalogDeps } from './catalog.deps.ts';
import { filterByEntitlement } from './downloads.service.ts';
import { DENIED, READ, WRITE } from './products.routes.ts';
import { getProduct } from './products.service.ts';
import { isVisibleTo, visibleRelease } from './release-visibility.ts';
import { pageAfter, publishRelease, releasesInOrder } from './releases.service.ts';

const ReleasePageSchema = pageOf(ReleaseSchema, 'ReleasePage');

export function registerReleaseRoutes(r: ZodApp, deps: CatalogDeps): void {
  r.post('/v1/products/:id/releases', {
    config: WRITE,
    schema: {
      tags: ['catalog'],
      summary: 'Publish a release of a product (semantic version; effectiveOn backdates a patch, R0.3).',
      description:
        'Runs the release-published hooks in the same transaction: a new major issues license keys to every contract covered on its publication date (R0.3).',
      params: IdParamsSchema,
      body: ReleaseCreateSchema,
      response: {
        201: ReleaseSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'ALREADY_EXISTS'),
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      const outcome = await publishRelease(deps.db, id, request.body, deps.releaseHooks, deps.clock());
      if (outcome.ok) return reply.code(201).send(outcome.release);
      if (outcome.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', `No product ${id}.`);
      throw new AppError(
        'ALREADY_EXISTS',
        `body.version: the product has a release ${request.body.version} already (build metadata does not make a new version).`,
        { id: outcome.id },
      );
    },
  });

  r.get('/v1/products/:id/releases', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: "A product's releases, highest semantic version first, a page at a time.",
      params: IdParamsSchema,
      querystring: ProductReleaseListQuerySchema,
      response: { 200: ReleasePageSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      if (!(await getProduct(deps.db, request.params.id)))
        throw new AppError('NOT_FOUND', `No product ${request.params.id}.`);
      return listReleases(deps, request, { ...request.query, productId: request.params.id });
    },
  });

  r.get('/v1/releases', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary:
        'Releases by product, highest version first; `entitled=true` keeps what the caller may download today.',
      description:
        'For a customer, `entitled=true` applies the download rule (R0.8) with its contract for each product; staff may download everything.',
      querystring: ReleaseListQuerySchema,
      response: { 200: ReleasePageSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED) },
    },
    handler: async (request) => listReleases(deps, request, request.query),
  });

  r.get('/v1/releases/:id', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: 'One release.',
      params: IdParamsSchema,
      response: { 200: ReleaseSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const release = await visibleRelease(deps.db, viewerOf(request), request.params.id, deps.clock());
      if (!release) throw new AppError('NOT_FOUND', `No release ${request.params.id}.`);
      return release;
    },
  });
}

async function listReleases(
  deps: CatalogDeps,
  request: FastifyRequest,
  query: {
    limit: number;
    cursor?: string | undefined;
    productId?: string | undefined;
    entitled?: boolean | undefined;
  },
): Promise<{ items: Release[]; nextCursor: string | null }> {
  const viewer = viewerOf(request);
  const now = deps.clock();
  let releases = (await releasesInOrder(deps.db, query.productId)).filter((r) => isVisibleTo(viewer, r, now));
  if (query.entitled !== undefined) {
    releases = await filterByEntitlement(deps.db, viewer, releases, query.entitled, now);
  }
  return pageAfter(releases, query.limit, query.cursor);
}
