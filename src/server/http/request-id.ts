import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Short, printable ids only: a caller's id lands in our logs, so nothing that could forge a log line. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** Keeps a caller's valid `x-request-id` (so one id follows a request across services), else makes one. */
export function generateRequestId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  if (typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming)) return incoming;
  return randomUUID();
}
