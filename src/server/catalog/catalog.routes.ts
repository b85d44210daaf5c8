import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { directoryStore } from './artifact-store.ts';
import { OCTET_STREAM, registerArtifactRoutes } from './artifacts.routes.ts';
import type { CatalogDeps } from './catalog.deps.ts';
import { registerProductRoutes } from './products.routes.ts';
import { registerReleaseRoutes } from './releases.routes.ts';

export type CatalogRouteDeps = Omit<CatalogDeps, 'store'> & Partial<Pick<CatalogDeps, 'store'>>;

/**
 * Products, prices, releases, artifacts, downloads and compatibility (issue §1, §8; R0.3, R0.8, R1.2).
 * Registered in their own scope, where application/octet-stream bodies arrive as the raw stream (the
 * artifact upload hashes them on the way to disk) instead of being buffered under the app's 1 MiB limit.
 */
export async function registerCatalogRoutes(app: FastifyInstance, deps: CatalogRouteDeps): Promise<void> {
  const full: CatalogDeps = { ...deps, store: deps.store ?? directoryStore(deps.config.artifactDir) };
  await app.register(async (scope) => {
    if (scope.hasContentTypeParser(OCTET_STREAM)) scope.removeContentTypeParser(OCTET_STREAM);
    scope.addContentTypeParser(OCTET_STREAM, (_request, payload, done) => done(null, payload));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    registerProductRoutes(r, full);
    registerReleaseRoutes(r, full);
    registerArtifactRoutes(r, full);
  });
}
