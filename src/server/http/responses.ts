import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from '../../schema/error.schema.ts';
import { ERROR_STATUS, type ErrorCode } from './errors.ts';

/** Response schemas for the error statuses a route can answer, all pointing at the one ErrorBody. */
export function errorResponses(...codes: ErrorCode[]): Record<number, typeof ErrorBodySchema> {
  const out: Record<number, typeof ErrorBodySchema> = {};
  for (const code of codes) out[ERROR_STATUS[code]] = ErrorBodySchema;
  return out;
}

/** The app as route modules see it: request and reply types come from the routes' zod schemas. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
