import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { Account } from '../../src/schema/auth.schema.ts';
import { ApiError, api, get, post, setCsrfToken } from './api.ts';

export type Session = { account: Account; csrfToken: string };
export type Kind = 'customer' | 'agent' | 'admin';

type SessionState = {
  session: Session | null;
  loading: boolean;
  signedIn: (session: Session) => void;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

export function kindOf(account: Account): Kind {
  if (account.role === 'admin') return 'admin';
  if (account.role === 'agent') return 'agent';
  return 'customer';
}

/** Loads who is signed in (GET /v1/auth/me: the cookie set by a password or one-time link sign-in). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    get<Session>('/v1/auth/me')
      .then((me) => {
        setCsrfToken(me.csrfToken);
        setSession(me);
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 401)) console.error(error);
      })
      .finally(() => setLoading(false));
  }, []);

  const signedIn = useCallback((next: Session) => {
    setCsrfToken(next.csrfToken);
    setSession(next);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      setSession(null);
    }
  }, []);

  const value = useMemo(
    () => ({ session, loading, signedIn, signOut }),
    [session, loading, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in session; pages behind the shell only render with one. */
export function useAccount(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useAccount without a session');
  return session;
}

export { post };
