import type { ErrorCode } from '../../schema/error.schema.ts';

export { ERROR_CODES, type ErrorCode } from '../../schema/error.schema.ts';

/**
 * Every error code's HTTP status. `satisfies Record<ErrorCode, number>` makes the map exhaustive:
 * a code without a status, or a status for an unknown code, does not compile.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  CURRENT_PASSWORD_WRONG: 403,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  LAST_ADMIN: 409,
  ACCOUNT_DISABLED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PLAN_INVALID: 422,
  PASSWORD_TOO_WEAK: 422,
  ALREADY_EXISTS: 409,
  UNKNOWN_REFERENCE: 422,
  CONTRACT_EXISTS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  NOT_ENTITLED: 403,
  RENEWAL_REFUSED: 422,
  PRICE_UNAVAILABLE: 422,
  PAYMENT_REFUSED: 422,
  REFUND_NOT_ALLOWED: 409,
  RATE_LIMITED: 429,
  TICKET_REFUSED: 422,
  TICKET_STATE_CONFLICT: 409,
  BUDGET_EXCEEDED: 422,
  ESTIMATE_NOT_AGREED: 409,
  WEBHOOK_TARGET_REFUSED: 422,
  WEBHOOK_STATE_CONFLICT: 409,
  MAIL_STATE_CONFLICT: 409,
  INTERNAL: 500,
  DATABASE_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, number>;

/** The one application error: a stable code (its HTTP status follows from ERROR_STATUS), a message, optional details. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
