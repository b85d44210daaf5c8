import type { Viewer } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';

/**
 * R4.1: the price is per COUNTED user. A customer may pay for more users than its inventory counts
 * (or, without one, than the contract records), never fewer: 403 naming body.seats and the counted
 * number. The vendor's staff may override (a negotiated count).
 */
export function refuseFewerSeats(
  viewer: Viewer,
  asked: number | undefined,
  counted: number | undefined,
): void {
  if (viewer.kind !== 'customer' || asked === undefined || counted === undefined || asked >= counted) return;
  throw new AppError(
    'FORBIDDEN',
    `body.seats: ${asked} is fewer than the ${counted} counted users (R4.1); a customer may pay for more users, not fewer.`,
    { field: 'body.seats', seats: asked, counted },
  );
}
