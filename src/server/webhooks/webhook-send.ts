import type { LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { ResolvedAddress } from './webhook-target.ts';

// One HTTP POST to a checked target. The connection goes to the addresses the SSRF check approved
// (a `lookup` that answers only those), never to a fresh DNS answer; redirects are not followed
// (node:http never does); the whole exchange has a deadline; only the start of the answer is read.

export type SendRequest = Readonly<{
  url: URL;
  /** The checked addresses of url's host: the only ones the connection may use. */
  addresses: readonly ResolvedAddress[];
  headers: Readonly<Record<string, string>>;
  body: string;
  timeoutMs: number;
  /** How much of the answer's body is kept for the delivery log. */
  maxBodyBytes: number;
}>;

export type SendOutcome =
  | { kind: 'response'; status: number; location: string | null; bodyStart: string }
  | { kind: 'error'; message: string };

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for net.connect that answers only the pinned addresses (of the family asked for). */
export function pinnedLookup(addresses: readonly ResolvedAddress[]) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const family =
      options.family === 4 || options.family === 'IPv4'
        ? 4
        : options.family === 6 || options.family === 'IPv6'
          ? 6
          : 0;
    const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
    const first = usable[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error('no checked address of the family asked for');
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    if (options.all)
      callback(
        null,
        usable.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, first.address, first.family);
  };
}

/** POSTs the body; resolves with the answer (any status) or the transport error. Never rejects. */
export function sendWebhook(request: SendRequest): Promise<SendOutcome> {
  const { url, body } = request;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        // A fresh connection per attempt: no pooled socket to an address checked for another host.
        agent: false,
        lookup: pinnedLookup(request.addresses),
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Upkeep-Webhooks/1',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () =>
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            location: typeof res.headers.location === 'string' ? res.headers.location : null,
            bodyStart: Buffer.concat(chunks).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          if (kept >= request.maxBodyBytes) return;
          const part = chunk.subarray(0, request.maxBodyBytes - kept);
          chunks.push(part);
          kept += part.length;
          if (kept >= request.maxBodyBytes) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      },
    );
    const deadline = setTimeout(() => {
      req.destroy(new Error(`no answer within ${request.timeoutMs / 1000} s`));
    }, request.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'error', message: error.code ? `${error.code}: ${error.message}` : error.message }),
    );
    req.end(body);
  });
}
