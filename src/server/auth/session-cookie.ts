import type { FastifyReply } from 'fastify';
import type { Account } from '../../schema/auth.schema.ts';
import type { Config } from '../config.ts';
import { SESSION_COOKIE } from './access.ts';
import type { IssuedSession } from './sessions.service.ts';

export function setSessionCookie(reply: FastifyReply, session: IssuedSession, config: Config): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl?.startsWith('https:') ?? false,
    path: '/',
    expires: session.expiresAt,
  });
}

export function sessionBody(account: Account, session: IssuedSession) {
  return { account, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
}
