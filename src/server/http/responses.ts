import { ErrorBodySchema } from '../../schema/error.schema.ts';
import { ERROR_STATUS, type ErrorCode } from './errors.ts';

/** Response schemas for the error statuses a route can answer, all pointing at the one ErrorBody. */
export function errorResponses(...codes: ErrorCode[]): Record<number, typeof ErrorBodySchema> {
  const out: Record<number, typeof ErrorBodySchema> = {};
  for (const code of codes) out[ERROR_STATUS[code]] = ErrorBodySchema;
  return out;
}
