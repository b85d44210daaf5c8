import { z } from 'zod';

/** Every error code the API answers; docs/api.md says when each happens and how to recover. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_REQUEST',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'TOKEN_INVALID',
  'FORBIDDEN',
  'CSRF_FAILED',
  'CURRENT_PASSWORD_WRONG',
  'NOT_FOUND',
  'EMAIL_TAKEN',
  'LAST_ADMIN',
  'ACCOUNT_DISABLED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'PLAN_INVALID',
  'PASSWORD_TOO_WEAK',
  'ALREADY_EXISTS',
  'UNKNOWN_REFERENCE',
  'CONTRACT_EXISTS',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
  'NOT_ENTITLED',
  'RENEWAL_REFUSED',
  'PRICE_UNAVAILABLE',
  'PAYMENT_REFUSED',
  'REFUND_NOT_ALLOWED',
  'RATE_LIMITED',
  'TICKET_REFUSED',
  'TICKET_STATE_CONFLICT',
  'BUDGET_EXCEEDED',
  'ESTIMATE_NOT_AGREED',
  'WEBHOOK_TARGET_REFUSED',
  'WEBHOOK_STATE_CONFLICT',
  'MAIL_STATE_CONFLICT',
  'INTERNAL',
  'DATABASE_UNAVAILABLE',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** One entry of `details` for a validation failure: the field path and the rule it broke. */
export const FieldIssueSchema = z.object({
  path: z.string().describe('Location of the bad field, e.g. `body.scopes.0` or `body.email`.'),
  rule: z.string().describe('The rule that failed, e.g. `invalid_type`, `too_small`, `invalid_format`.'),
  message: z.string(),
});

/** The single error body every non-2xx response carries. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema.describe('Stable machine-readable code; see docs/api.md for each one.'),
      message: z.string().describe('Human-readable explanation; may change between versions.'),
      requestId: z.string().describe('The request id, also in the `x-request-id` response header.'),
      details: z.unknown().optional().describe('Extra data for some codes, e.g. field issues.'),
    }),
  })
  .meta({ id: 'ErrorBody' });

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type FieldIssue = z.infer<typeof FieldIssueSchema>;
