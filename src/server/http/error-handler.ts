import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBody, FieldIssue } from '../../schema/error.schema.ts';
import { AppError, type ErrorCode, isAppError } from './errors.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

/** Fastify's own client errors, by their code, mapped to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
};

export function errorBody(error: AppError, requestId: string): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (error.code === 'RATE_LIMITED' && typeof retryAfter === 'number')
    reply.header('retry-after', String(retryAfter));
  return reply.code(error.status).type('application/json').send(errorBody(error, reply.request.id));
}

/**
 * PostgreSQL refuses some text outright (SQLSTATE 22021: a NUL character in a text value; 22P05:
 * \u0000 in jsonb). Only a client's input carries such text, so it is a bad request, not a fault.
 */
const UNSTORABLE_TEXT_SQLSTATES = new Set(['22021', '22P05']);

/**
 * Fastify answers a URL it cannot route (bad percent-encoding, a path parameter over
 * maxParamLength) before any hook runs, in its own body; `frameworkErrors` routes those here so
 * they leave as the one error body with a request id, without echoing the URL back.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment of the URL is too long.'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'The URL path is not valid percent-encoded UTF-8.'
        : undefined;
  const appError = message === undefined ? toAppError(error) : new AppError('MALFORMED_REQUEST', message);
  request.log.info({ code: appError.code, reason: error.code }, 'request refused');
  reply.header(REQUEST_ID_HEADER, request.id);
  void sendError(reply, appError);
}

/** Installs the one error handler and the 404 handler, so every failure leaves as the one error body. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error, code: appError.code }, 'request failed');
    } else {
      request.log.info({ code: appError.code, reason: error.message }, 'request refused');
    }
    return sendError(reply, appError);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply) =>
    sendError(
      reply,
      new AppError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}

/** Turns anything thrown into an AppError; unexpected errors become INTERNAL with no internals exposed. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) return validationError(error);
  if (isUnstorableText(error)) {
    return new AppError(
      'MALFORMED_REQUEST',
      'A text value contains a NUL character (\\u0000), which cannot be stored.',
    );
  }
  if (isFastifyError(error) && !isResponseSerializationError(error)) {
    const mapped = FASTIFY_CODES[error.code];
    if (mapped) return new AppError(mapped, error.message);
    const status = error.statusCode ?? 500;
    if (status === 404) return new AppError('NOT_FOUND', error.message);
    if (status >= 400 && status < 500) return new AppError('MALFORMED_REQUEST', error.message);
  }
  return new AppError('INTERNAL', 'An unexpected error occurred. Quote the request id when reporting it.');
}

function validationError(
  error: FastifyError & { validation: { instancePath: string; keyword: string; message?: string }[] },
): AppError {
  const where = error.validationContext ?? 'request';
  const details: FieldIssue[] = error.validation.map((v) => {
    const field = v.instancePath.split('/').filter(Boolean);
    return { path: [where, ...field].join('.'), rule: v.keyword, message: v.message ?? v.keyword };
  });
  const summary = details.map((d) => `${d.path}: ${d.message} (${d.rule})`).join('; ');
  return new AppError('VALIDATION_FAILED', `Invalid request: ${summary}`, details);
}

function isUnstorableText(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && UNSTORABLE_TEXT_SQLSTATES.has(code);
}

function isFastifyError(error: unknown): error is FastifyError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (error as { code: string }).code.startsWith('FST_')
  );
}
