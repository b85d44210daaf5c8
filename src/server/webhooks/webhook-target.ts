import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { webhookUrlProblem } from '../../schema/webhooks.schema.ts';

// The SSRF guard (docs/webhooks.md). A webhook target is checked when it is saved and again before
// every delivery: the host is resolved and EVERY address must be a public unicast one, unless the
// operator allows private targets (a development machine). The delivery then connects to exactly the
// addresses checked here (webhook-send.ts pins them), so a DNS answer that changes between the check
// and the connection (rebinding) cannot redirect it.

export type ResolvedAddress = Readonly<{ address: string; family: 4 | 6 }>;
/** Resolves a host name to all its addresses; the system resolver by default, a table in tests. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export type TargetPolicy = Readonly<{
  allowPrivate: boolean;
  resolve?: HostResolver | undefined;
  /** How long the resolver may take (default 10 s). */
  timeoutMs?: number;
}>;

export type TargetRefusal = 'INVALID_URL' | 'REFUSED_ADDRESS' | 'UNRESOLVABLE';

export type TargetCheck =
  | { ok: true; url: URL; hostname: string; addresses: readonly ResolvedAddress[] }
  | { ok: false; reason: TargetRefusal; message: string; addresses: readonly string[] };

const RESOLVE_TIMEOUT_MS = 10_000;

/** The system resolver: every address of the host (A and AAAA), as getaddrinfo answers. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/**
 * The range an address is in, as ipaddr.js names it ('unicast' = public); an IPv4-mapped IPv6
 * address (::ffff:10.0.0.1) is judged as the IPv4 address it carries, an IPv4-compatible one
 * (::10.0.0.1, deprecated) is refused as 'ipv4Compatible'.
 * @example addressRange('169.254.169.254') // 'linkLocal'
 */
export function addressRange(address: string): string {
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') return ip.range();
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range();
  const range = v6.range();
  if (range === 'unicast' && v6.parts.slice(0, 6).every((p) => p === 0)) return 'ipv4Compatible';
  return range;
}

/** True for a public unicast address, the only kind a webhook may reach by default. */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

/** Checks a target URL: its form, then every address its host resolves to. Never throws. */
export async function checkWebhookTarget(text: string, policy: TargetPolicy): Promise<TargetCheck> {
  const problem = webhookUrlProblem(text);
  if (problem !== null) return { ok: false, reason: 'INVALID_URL', message: problem, addresses: [] };
  const url = new URL(text);
  // WHATWG URL already wrote any IPv4 form (0x7f.1, 2130706433) as dotted decimal; IPv6 is bracketed.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly ResolvedAddress[];
  const isLiteral = isIP(hostname) !== 0;
  if (isLiteral) {
    addresses = [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await withTimeout(
        (policy.resolve ?? systemResolver)(hostname),
        policy.timeoutMs ?? RESOLVE_TIMEOUT_MS,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return {
        ok: false,
        reason: 'UNRESOLVABLE',
        message: `${hostname} does not resolve (${code})`,
        addresses: [],
      };
    }
    if (addresses.length === 0)
      return { ok: false, reason: 'UNRESOLVABLE', message: `${hostname} has no address`, addresses: [] };
  }
  if (!policy.allowPrivate) {
    const refused = addresses.filter((a) => !isPublicAddress(a.address));
    if (refused.length > 0) {
      const list = refused.map((a) => `${a.address} (${addressRange(a.address)})`).join(', ');
      return {
        ok: false,
        reason: 'REFUSED_ADDRESS',
        message: `${isLiteral ? list : `${hostname} resolves to ${list}`}: webhook targets must be public addresses (loopback, private, link-local and other special ranges are refused)`,
        addresses: refused.map((a) => a.address),
      };
    }
  }
  return { ok: true, url, hostname, addresses };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
