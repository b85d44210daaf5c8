import { Temporal } from 'temporal-polyfill';
import { type CivilDate, compareCivilDates, toPlainDate } from '../contract/civil-date.ts';
import { coveredUntil, effectiveTerms, termOn } from '../contract/coverage.queries.ts';
import type { CoverageTerm } from '../contract/coverage.types.ts';
import { type ContractFacts, entitled, type Restriction } from '../contract/entitlement.ts';
import type { Plan } from '../plan/plan.schema.ts';
import type { Money } from '../plan/plan-common.schema.ts';

export type TicketChannel = 'portal' | 'email' | 'chat' | 'phone' | 'api';

/** Every channel a ticket can arrive on (R2.1). */
export const TICKET_CHANNELS: readonly TicketChannel[] = ['portal', 'email', 'chat', 'phone', 'api'];

export type IntakeRefusal =
  | 'SUPPORT_REVOKED'
  | 'SUPPORT_SUSPENDED'
  | 'CHANNEL_NOT_ALLOWED'
  | 'NO_CONTRACT'
  | 'CONTRACT_LAPSED'
  | 'CONTRACT_NOT_STARTED'
  | 'IN_BACKDATED_GAP'
  | 'NOT_ENTITLED_BY_PLAN'
  | 'NOT_REGISTERED_ON_DESK'
  | 'UNSUBSCRIBED_FROM_PRODUCT_UPDATES'
  | 'PLATFORM_VERSION_REQUIRED'
  | 'PLATFORM_NOT_COMPATIBLE'
  | 'PHONE_INCIDENTS_EXHAUSTED';

/** A maintenance window to announce (R2.5); start and end are UTC ISO instants. */
export interface MaintenanceNotice {
  start: string;
  end: string;
  reason: string | null;
  active: boolean;
}

export type IntakeRestriction = Restriction & { kind?: 'suspension' | 'revocation' };

export interface IntakeInput {
  plan: Plan;
  /** Core facts of the customer's contract for that product, or null. */
  contract: ContractFacts | null;
  /** Active restrictions only; a missing kind is a suspension (R1.4). */
  restrictions: readonly IntakeRestriction[];
  /** Today in the plan's time zone. */
  today: CivilDate;
  now: Temporal.Instant;
  channel: TicketChannel;
  /** Staff logging a phone/chat incident for the customer (R2.1). */
  loggedByAgent: boolean;
  requester: { registeredOnDesk: boolean; subscribedToProductUpdates: boolean };
  platform: { platform: string; version: string } | null;
  /** The compatibility declaration recorded with the order (R1.2). */
  compatibility: { platforms: { platform: string; versions: string[] }[] } | null;
  /** Phone tickets already accepted in the current contract year. */
  phoneIncidentsThisContractYear: number;
}

export type CoverageGap = 'NO_CONTRACT' | 'CONTRACT_LAPSED' | 'CONTRACT_NOT_STARTED' | 'IN_BACKDATED_GAP';

export type IntakeDecision =
  | { outcome: 'accepted'; maintenance: MaintenanceNotice | null }
  | { outcome: 'billable'; because: CoverageGap; ratePerHour: Money; maintenance: MaintenanceNotice | null }
  | { outcome: 'refused'; reason: IntakeRefusal; message: string; field?: string };

type Refused = Extract<IntakeDecision, { outcome: 'refused' }>;

const PLATFORM_FIELD = 'body.platform';
/** R2.5: windows starting within this many hours are announced ahead (14 days of 24 h). */
const ANNOUNCE_AHEAD_HOURS = 14 * 24;

function refuse(reason: IntakeRefusal, message: string, field?: string): Refused {
  return field === undefined
    ? { outcome: 'refused', reason, message }
    : { outcome: 'refused', reason, message, field };
}

/**
 * One pure decision at ticket creation (R1.1–R1.7, R2.1): restrictions, channel, plan, coverage, eligibility,
 * platform, phone quota — the first refusal wins; without coverage an hourly plan bills instead (R1.7).
 * @example decideIntake({ plan: s4, contract: null, channel: 'portal', ... }) // { outcome: 'billable', because: 'NO_CONTRACT', ratePerHour: { amountMinor: 15000, currency: 'USD' }, maintenance: null }
 */
export function decideIntake(input: IntakeInput): IntakeDecision {
  const { plan } = input;
  const early =
    restrictionRefusal(input.restrictions) ??
    channelRefusal(plan, input.channel, input.loggedByAgent) ??
    (plan.entitlements.support
      ? null
      : refuse('NOT_ENTITLED_BY_PLAN', 'This support plan does not include support tickets.'));
  if (early !== null) return early;
  const maintenance = maintenanceWindowAt(plan, input.now);
  const coverage = coverageDecision(input, maintenance);
  if (coverage !== null) return coverage;
  return (
    eligibilityRefusal(input) ??
    platformRefusal(input) ??
    phoneQuotaRefusal(input) ?? { outcome: 'accepted', maintenance }
  );
}

function restrictionRefusal(restrictions: readonly IntakeRestriction[]): Refused | null {
  const onSupport = restrictions.filter((r) => r.revokes.includes('support'));
  const revocation = onSupport.find((r) => r.kind === 'revocation');
  if (revocation !== undefined) {
    return refuse('SUPPORT_REVOKED', `Your right to support was revoked: ${revocation.reason}.`);
  }
  const suspension = onSupport[0];
  if (suspension === undefined) return null;
  return refuse(
    'SUPPORT_SUSPENDED',
    `Your support is suspended until our team lifts it: ${suspension.reason}.`,
  );
}

function channelRefusal(plan: Plan, channel: TicketChannel, loggedByAgent: boolean): Refused | null {
  const c = plan.channels;
  const notAllowed = (message: string) => refuse('CHANNEL_NOT_ALLOWED', message);
  switch (channel) {
    case 'portal':
    case 'api':
      return c.portal
        ? null
        : notAllowed(`Tickets cannot be opened ${channelWords(channel)}. ${reachUs(plan)}`);
    case 'email':
      if (c.email === 'tickets') return null;
      return c.email === 'pointer-to-portal' && c.portal
        ? notAllowed('Email does not open support tickets; please open a ticket on the support portal.')
        : notAllowed(`Email does not open support tickets. ${reachUs(plan)}`);
    case 'chat':
    case 'phone': {
      const enabled = channel === 'chat' ? c.chat : c.phone.enabled;
      if (!enabled) return notAllowed(`This support plan has no ${channel} support. ${reachUs(plan)}`);
      if (loggedByAgent) return null;
      return notAllowed(
        `${channel === 'chat' ? 'Chat' : 'Phone'} incidents are logged as tickets by a support agent during the ${channel === 'chat' ? 'chat' : 'call'}; ${channel === 'chat' ? 'start a chat' : 'call us'}, or open a ticket yourself on another channel.`,
      );
    }
  }
}

function channelWords(channel: TicketChannel): string {
  return channel === 'api' ? 'through the API' : 'on the support portal';
}

/** The channels a customer can open tickets on themselves, in words. */
function reachUs(plan: Plan): string {
  const c = plan.channels;
  const ways = [
    c.portal ? 'on the support portal' : null,
    c.email === 'tickets' ? 'by email' : null,
    c.chat ? 'by chat' : null,
    c.phone.enabled ? 'by phone' : null,
  ].filter((w): w is string => w !== null);
  return ways.length === 0 ? 'This plan takes no tickets.' : `Please reach us ${ways.join(' or ')}.`;
}

/** Step 4: no service today refuses (mode refuse) or bills hourly (R1.7); null = covered. */
function coverageDecision(input: IntakeInput, maintenance: MaintenanceNotice | null): IntakeDecision | null {
  const { plan, contract, today } = input;
  const entitlement = entitled({ plan, contract, restrictions: [], gate: { kind: 'support' }, at: today });
  if (entitlement.allowed) return null;
  const gap = coverageGapOf(entitlement.reason);
  const rule = plan.withoutContract;
  if (rule.mode === 'hourly') {
    return { outcome: 'billable', because: gap, ratePerHour: rule.ratePerHour, maintenance };
  }
  return refuse(gap, coverageMessage(gap, contract?.terms ?? [], today));
}

function coverageGapOf(reason: string): CoverageGap {
  switch (reason) {
    case 'NO_CONTRACT':
      return 'NO_CONTRACT';
    case 'LAPSED':
      return 'CONTRACT_LAPSED';
    case 'NOT_STARTED':
      return 'CONTRACT_NOT_STARTED';
    case 'IN_BACKDATED_GAP':
      return 'IN_BACKDATED_GAP';
    default:
      // Plan refusals and restrictions are decided before coverage; anything else is a bug.
      throw new Error(`decideIntake: unexpected support entitlement ${reason}`);
  }
}

function coverageMessage(gap: CoverageGap, terms: readonly CoverageTerm[], today: CivilDate): string {
  const effective = effectiveTerms(terms);
  const nextStart = effective.find((t) => compareCivilDates(today, t.startsOn) < 0)?.startsOn;
  switch (gap) {
    case 'NO_CONTRACT':
      return 'You have no support contract for this product; buy one to open tickets.';
    case 'CONTRACT_NOT_STARTED':
      return `Your support contract for this product starts on ${nextStart}; you can open tickets from that day.`;
    case 'IN_BACKDATED_GAP':
      return `Your renewal was backdated to keep your coverage continuous, but support resumes only on ${termOn(terms, today)?.endsOn}; you can open tickets from that day.`;
    case 'CONTRACT_LAPSED': {
      const ended = coveredUntil(effective.filter((t) => compareCivilDates(t.endsOn, today) <= 0));
      const lapsedOn = `Your support contract for this product lapsed on ${ended?.expiresOn}`;
      return nextStart === undefined
        ? `${lapsedOn}; renew it to open tickets.`
        : `${lapsedOn} and resumes on ${nextStart}; you can open tickets from that day.`;
    }
  }
}

function eligibilityRefusal({ plan, requester }: IntakeInput): Refused | null {
  if (plan.eligibility.registeredOnDesk && !requester.registeredOnDesk) {
    return refuse('NOT_REGISTERED_ON_DESK', 'Register with the support desk to open tickets.');
  }
  if (plan.eligibility.productUpdateMailSubscription && !requester.subscribedToProductUpdates) {
    return refuse(
      'UNSUBSCRIBED_FROM_PRODUCT_UPDATES',
      'Support needs a subscription to the product-update mailing list; subscribe again to open tickets.',
    );
  }
  return null;
}

/** R1.2 (S2): the stated platform must be among those declared compatible at purchase. */
function platformRefusal({ plan, platform, compatibility }: IntakeInput): Refused | null {
  if (plan.eligibility.platformCompatibility !== 'declared-at-purchase') return null;
  const name = platform?.platform.trim() ?? '';
  const version = platform?.version.trim() ?? '';
  if (name === '' || version === '') {
    return refuse(
      'PLATFORM_VERSION_REQUIRED',
      'Name your platform and its version on the ticket, so we can check it is one this product supports.',
      PLATFORM_FIELD,
    );
  }
  const declared = compatibility?.platforms ?? [];
  const samePlatform = declared.filter((p) => p.platform.trim().toLowerCase() === name.toLowerCase());
  if (samePlatform.some((p) => p.versions.some((v) => v.trim() === version))) return null;
  const list = declared.flatMap((p) => p.versions.map((v) => `${p.platform.trim()} ${v.trim()}`));
  const message =
    list.length === 0
      ? `No compatible platform versions were recorded when you bought this product, so ${name} ${version} cannot be supported.`
      : `${name} ${version} is not among the versions declared compatible when you bought this product (${list.join(', ')}); support covers only those.`;
  return refuse('PLATFORM_NOT_COMPATIBLE', message, PLATFORM_FIELD);
}

/** R2.1 (S4): phone incidents per contract year. */
function phoneQuotaRefusal(input: IntakeInput): Refused | null {
  const limit = input.plan.channels.phone.incidentsPerContractYear;
  if (input.channel !== 'phone' || limit === undefined || input.contract === null) return null;
  if (input.phoneIncidentsThisContractYear < limit) return null;
  const year = contractYearOf(input.contract.purchasedOn, input.today);
  return refuse(
    'PHONE_INCIDENTS_EXHAUSTED',
    `All ${limit} phone incidents of your contract year (${year.startsOn} to ${year.endsOn}) are used; they renew on ${year.endsOn}. Open a ticket ${otherWays(input.plan)} instead.`,
  );
}

function otherWays(plan: Plan): string {
  const ways = [
    plan.channels.portal ? 'on the support portal' : null,
    plan.channels.email === 'tickets' ? 'by email' : null,
  ];
  const listed = ways.filter((w): w is string => w !== null);
  return listed.length === 0 ? 'another way' : listed.join(' or ');
}

/**
 * The contract year containing `today`: [start, end) anniversaries of purchasedOn, each added from the
 * anchor with end-of-month clamping (a Feb 29 purchase has its anniversary on Feb 28 in common years).
 * @example contractYearOf('2028-02-29', '2029-03-01') // { startsOn: '2029-02-28', endsOn: '2030-02-28' }
 */
export function contractYearOf(
  purchasedOn: CivilDate,
  today: CivilDate,
): { startsOn: CivilDate; endsOn: CivilDate } {
  const anchor = toPlainDate(purchasedOn, 'purchasedOn');
  const day = toPlainDate(today, 'today');
  const anniversary = (n: number) => anchor.add({ years: n }, { overflow: 'constrain' });
  let n = day.year - anchor.year;
  if (Temporal.PlainDate.compare(anniversary(n), day) > 0) n -= 1;
  return { startsOn: anniversary(n).toString(), endsOn: anniversary(n + 1).toString() };
}

/**
 * The maintenance window (plan.calendar.closures, only when plan.pauses.maintenanceWindows) active at `now`,
 * else the next one starting within 14 days, else null (R2.5: announce it).
 * @example maintenanceWindowAt(s1WithClosure, Temporal.Instant.from('2026-06-01T10:00:00Z')) // { start: '2026-06-03T22:00:00Z', end: '2026-06-04T02:00:00Z', reason: 'Server upgrade', active: false }
 */
export function maintenanceWindowAt(plan: Plan, now: Temporal.Instant): MaintenanceNotice | null {
  if (!plan.pauses.maintenanceWindows) return null;
  const windows = (plan.calendar?.closures ?? [])
    .map((c) => ({
      start: Temporal.Instant.from(c.start),
      end: Temporal.Instant.from(c.end),
      reason: c.reason ?? null,
    }))
    .sort((a, b) => Temporal.Instant.compare(a.start, b.start));
  const active = windows.find(
    (w) => Temporal.Instant.compare(w.start, now) <= 0 && Temporal.Instant.compare(now, w.end) < 0,
  );
  const horizon = now.add({ hours: ANNOUNCE_AHEAD_HOURS });
  const window =
    active ??
    windows.find(
      (w) => Temporal.Instant.compare(now, w.start) < 0 && Temporal.Instant.compare(w.start, horizon) <= 0,
    );
  if (window === undefined) return null;
  return {
    start: window.start.toString(),
    end: window.end.toString(),
    reason: window.reason,
    active: window === active,
  };
}
