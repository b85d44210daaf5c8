import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SealingKey } from '../../secrets/sealing.ts';
import type { AttachmentStore } from '../../tickets/attachment-store.ts';
import { isSupportRecipient } from './inbound-decision.ts';
import { handleInboundMail, type InboundDeps, type InboundLog } from './inbound-mail.service.ts';

/** The largest mail the receiver takes (the SIZE it announces); bigger ones are refused with 552. */
export const MAX_INBOUND_MAIL_BYTES = 25 * 1024 * 1024;

export type SmtpReceiverOptions = {
  db: InboundDeps['db'];
  config: InboundDeps['config'];
  sealingKey: SealingKey;
  clock?: () => Date;
  log: InboundLog;
  /** Default config.mail.inboundPort; 0 picks a free port (tests). */
  port?: number;
  /** Default config.mail.inboundHost. */
  host?: string;
  maxBytes?: number;
  attachments?: AttachmentStore;
};

export type SmtpReceiver = { port: number; stop(): Promise<void> };

type SmtpError = Error & { responseCode: number };

function smtpError(responseCode: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The SMTP receiver for the support address (issue 5 §4, docs/email-in.md): RCPT TO is accepted for
 * the support address and its plus-addresses (`support+<reply token>@domain`) only, anything else
 * answers 550. No authentication (it is where the world's mail arrives); no STARTTLS (put a TLS
 * terminating MTA in front for the internet). Every accepted mail is recorded by handleInboundMail
 * before the 250; when it cannot be recorded the answer is 451, so the sending server retries.
 */
export async function startSmtpReceiver(options: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const { config, log } = options;
  const supportAddress = config.mail.supportAddress;
  const maxBytes = options.maxBytes ?? MAX_INBOUND_MAIL_BYTES;
  const deps: InboundDeps = {
    db: options.db,
    config,
    sealingKey: options.sealingKey,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.attachments ? { attachments: options.attachments } : {}),
  };
  const server = new SMTPServer({
    name: supportAddress.slice(supportAddress.lastIndexOf('@') + 1),
    banner: 'Upkeep support mail',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    rejectOversized: true,
    logger: false,
    disableReverseLookup: true,
    maxClients: 100,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo: (address, _session, callback) => {
      if (isSupportRecipient(address.address, supportAddress)) return callback();
      callback(
        smtpError(550, `5.1.1 <${address.address}>: no such mailbox here; write to ${supportAddress}`),
      );
    },
    onData: (stream, session, callback) => {
      receive(stream, maxBytes)
        .then(async (raw) => {
          if (raw === null) return callback(smtpError(552, '5.3.4 message exceeds the size limit'));
          const result = await handleInboundMail(deps, raw, envelopeOf(session));
          callback(null, `2.0.0 accepted as ${result.id}`);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'inbound mail: could not be recorded; answered 451');
          callback(smtpError(451, '4.3.0 the mail could not be stored; please try again later'));
        });
    },
  });
  // Socket errors of one client (a reset, garbage, a timeout) must never take the process down.
  server.on('error', (error: Error) => log.warn({ err: error }, 'smtp receiver: client connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? config.mail.inboundPort, options.host ?? config.mail.inboundHost, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ port, supportAddress }, 'smtp receiver listening');
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The message bytes, or null once they exceed the limit (the rest is read and thrown away). */
function receive(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total <= maxBytes) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(stream.sizeExceeded || total > maxBytes ? null : Buffer.concat(chunks)));
  });
}

function envelopeOf(session: SMTPServerSession) {
  const from = session.envelope.mailFrom;
  return {
    mailFrom: from === false ? null : from.address,
    rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
    remoteAddress: session.remoteAddress,
  };
}
