import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ArtifactSchema, ArtifactUploadQuerySchema, IdParamsSchema } from '../../schema/catalog.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { viewerOf } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import { TooLargeError } from './artifact-store.ts';
import {
  type ArtifactWithStorage,
  checkFileName,
  contentDisposition,
  findArtifact,
  listArtifacts,
  uploadArtifact,
} from './artifacts.service.ts';
import type { CatalogDeps } from './catalog.deps.ts';
import { decideDownload } from './downloads.service.ts';
import { DENIED, READ, WRITE } from './products.routes.ts';
import { visibleRelease } from './release-visibility.ts';

export const OCTET_STREAM = 'application/octet-stream';

export function registerArtifactRoutes(r: ZodApp, deps: CatalogDeps): void {
  r.post('/v1/releases/:id/artifacts', {
    config: WRITE,
    schema: {
      tags: ['catalog'],
      summary:
        'Upload a file of a release: the raw bytes as application/octet-stream, its name in `fileName`.',
      description: `The server stores the bytes under a name it chooses and records size and SHA-256. At most UPKEEP_ARTIFACT_MAX_BYTES (default 512 MiB).`,
      consumes: [OCTET_STREAM],
      params: IdParamsSchema,
      querystring: ArtifactUploadQuerySchema,
      body: z.unknown().describe('The file, as raw bytes.'),
      response: {
        201: ArtifactSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'ALREADY_EXISTS',
          'PAYLOAD_TOO_LARGE',
          'UNSUPPORTED_MEDIA_TYPE',
        ),
      },
    },
    handler: async (request, reply) => {
      const name = checkFileName(request.query.fileName);
      if (!name.ok) {
        throw new AppError('VALIDATION_FAILED', `querystring.fileName: ${name.reason}.`, [
          { path: 'querystring.fileName', rule: 'file_name', message: name.reason },
        ]);
      }
      const body = uploadedStream(request, deps.config.artifactMaxBytes);
      const outcome = await uploadArtifact(
        deps.db,
        deps.store,
        {
          releaseId: request.params.id,
          fileName: name.fileName,
          body,
          maxBytes: deps.config.artifactMaxBytes,
        },
        deps.clock(),
      ).catch((error: unknown) => {
        if (error instanceof TooLargeError) throw tooLarge(error.maxBytes);
        throw error;
      });
      if (outcome.ok) return reply.code(201).send(outcome.artifact);
      if (outcome.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', `No release ${request.params.id}.`);
      throw new AppError(
        'ALREADY_EXISTS',
        `querystring.fileName: the release has a file named ${name.fileName} already.`,
        { id: outcome.id },
      );
    },
  });

  r.get('/v1/releases/:id/artifacts', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: 'The files of a release with size and SHA-256.',
      params: IdParamsSchema,
      response: {
        200: z.object({ items: z.array(ArtifactSchema) }),
        ...errorResponses(...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      if (!(await visibleRelease(deps.db, viewerOf(request), request.params.id, deps.clock())))
        throw new AppError('NOT_FOUND', `No release ${request.params.id}.`);
      return { items: await listArtifacts(deps.db, request.params.id) };
    },
  });

  r.get('/v1/artifacts/:id/download', {
    config: READ,
    schema: {
      tags: ['catalog'],
      summary: 'Download a release file if the entitlement allows it (R0.8); every attempt is audited.',
      description:
        'Answers the bytes (application/octet-stream, ETag = SHA-256). A customer needs a contract for the product whose coverage includes the release; otherwise 403 NOT_ENTITLED with the decision (reason and coverage facts) in `details`. Staff may download every file.',
      params: IdParamsSchema,
      response: {
        200: {
          description: 'The file bytes; ETag is the SHA-256, Content-Disposition names the file.',
          content: { [OCTET_STREAM]: { schema: z.string().meta({ format: 'binary' }) } },
        },
        ...errorResponses(...DENIED, 'NOT_FOUND', 'NOT_ENTITLED'),
      },
    },
    handler: async (request, reply) => sendDownload(deps, request, reply, request.params.id),
  });
}

async function sendDownload(
  deps: CatalogDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  artifactId: string,
): Promise<FastifyReply> {
  const now = deps.clock();
  const artifact = await findArtifact(deps.db, artifactId);
  const viewer = viewerOf(request);
  const release = artifact && (await visibleRelease(deps.db, viewer, artifact.releaseId, now));
  if (!artifact || !release) throw new AppError('NOT_FOUND', `No artifact ${artifactId}.`);
  const decision = await decideDownload(deps.db, viewer, release, now);
  const opened = decision.allowed ? await deps.store.open(artifact.storageKey) : undefined;
  const outcome = !decision.allowed ? decision.reason : opened ? 'ok' : 'FILE_MISSING';
  await recordAudit(
    deps.db,
    {
      action: 'release.downloaded',
      viewer,
      subjectType: 'artifact',
      subjectId: artifact.id,
      outcome,
      details: {
        releaseId: release.id,
        productId: release.productId,
        version: release.version,
        fileName: artifact.fileName,
        reason: decision.reason,
        contractId: decision.contractId,
      },
      clientIp: request.ip,
    },
    now,
  );
  if (!decision.allowed) {
    throw new AppError('NOT_ENTITLED', `Your coverage does not include release ${release.version}.`, {
      reason: decision.reason,
      facts: decision.facts,
      at: decision.at,
      contractId: decision.contractId,
      releaseId: release.id,
    });
  }
  // The store lost the bytes the database points at: a fault for the operator, not the customer.
  if (!opened) throw new Error(`artifact ${artifact.id}: stored bytes ${artifact.storageKey} are missing`);
  return sendBytes(reply, artifact, opened.stream);
}

function sendBytes(reply: FastifyReply, artifact: ArtifactWithStorage, stream: Readable): FastifyReply {
  return reply
    .header('content-type', OCTET_STREAM)
    .header('content-disposition', contentDisposition(artifact.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('content-length', String(artifact.sizeBytes))
    .header('etag', `"${artifact.sha256}"`)
    .header('cache-control', 'private, no-store')
    .send(stream);
}

/** The raw request body; a declared Content-Length over the limit is refused before a byte is read. */
function uploadedStream(request: FastifyRequest, maxBytes: number): Readable {
  const body = request.body as unknown;
  if (!isReadable(body)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${OCTET_STREAM}.`);
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (declared === 0) {
    throw new AppError('VALIDATION_FAILED', 'body: the file is empty.', [
      { path: 'body', rule: 'too_small', message: 'the file is empty' },
    ]);
  }
  return body;
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the ${maxBytes} bytes allowed.`, {
    maxBytes,
  });
}
