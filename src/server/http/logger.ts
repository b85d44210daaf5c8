import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from '../config.ts';

/** Secrets that travel in URLs (one-time login links) never reach the logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/one-time\/)[^/?#]+/, '$1[redacted]');
}

type LoggedRequest = {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
};

/**
 * The JSON logger (pino) for the server. Requests are logged without headers (no cookies or API
 * keys) and with secret URL parts redacted; each request line carries its `requestId`.
 */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options = {
    level,
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
