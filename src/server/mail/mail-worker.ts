import { createMailTransport, type MailTransport, sendDueMail } from './mail-sender.ts';
import { dispatchOutbox, type MailDeps } from './outbox-dispatcher.ts';

export type MailWorker = {
  stop(): Promise<void> /** Runs a pass now (tests, and after a write). */;
  kick(): void;
};

/**
 * The mail worker: every `intervalMs` it fans out due outbox notices and hands due mail to SMTP.
 * Several processes may run it against one PostgreSQL database: both steps claim rows with SKIP LOCKED.
 */
export function startMailWorker(
  deps: MailDeps & { clock?: () => Date; intervalMs?: number; transport?: MailTransport },
): MailWorker {
  const clock = deps.clock ?? (() => new Date());
  const transport = deps.transport ?? createMailTransport(deps.config.mail.smtpUrl);
  const intervalMs = deps.intervalMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const pass = async () => {
    try {
      await dispatchOutbox(deps, clock());
      while ((await sendDueMail({ ...deps, transport }, clock())) > 0 && !stopped) {}
    } catch (error) {
      deps.log.error({ err: error }, 'mail worker failed; retrying');
    }
  };
  const loop = () => {
    if (stopped) return;
    running = pass().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  timer = setTimeout(loop, 0);
  return {
    kick() {
      if (running || stopped) return;
      clearTimeout(timer);
      loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      transport?.close();
    },
  };
}
