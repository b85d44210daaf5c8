import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import { BACKDATED_S0, LAPSED_S0, term } from '../contract/contract.fixtures.ts';
import type { CoverageTerm } from '../contract/coverage.types.ts';
import type { ContractFacts } from '../contract/entitlement.ts';
import type { Plan } from '../plan/plan.schema.ts';
import {
  contractYearOf,
  decideIntake,
  type IntakeDecision,
  type IntakeInput,
  type IntakeRestriction,
  maintenanceWindowAt,
  TICKET_CHANNELS,
} from './intake.ts';

/** A modified copy of a preset; the preset itself stays as shipped. */
function edited(plan: Plan, edit: (copy: Plan) => void): Plan {
  const copy = structuredClone(plan);
  edit(copy);
  return copy;
}

// Presets parsed and validated as shipped (src/core may not import the server's plan-files loader).
const s0 = loadPreset('annual-maintenance');
const s1 = loadPreset('ticket-desk');
const s2 = loadPreset('addon-support');
const s4 = loadPreset('per-user-subscription');

const contract = (terms: CoverageTerm[]): ContractFacts => ({
  terms,
  purchasedOn: terms[0]?.startsOn ?? '2026-01-10',
});
const S0_CONTRACT = contract(LAPSED_S0); // covered 2026-01-10 .. 2027-01-10
const S1_CONTRACT = contract([term('initial', '2026-01-15', '2026-07-15')]);
const S2_CONTRACT = contract([term('initial', '2026-04-10', '2026-07-10')]);
const S4_CONTRACT = contract([term('initial', '2026-03-01', '2027-03-01')]);
const S4_GAP = contract([
  term('initial', '2026-03-01', '2027-03-01'),
  term('backdated-gap', '2027-03-01', '2027-05-10', false),
  term('reinstatement', '2027-05-10', '2028-03-01'),
]);
const S4_RATE = { amountMinor: 15000, currency: 'USD' };
const STORE_8 = { platforms: [{ platform: 'PrestaShop', versions: ['8.0.4', '8.1.2'] }] };

const NOW = Temporal.Instant.from('2026-06-01T10:00:00Z');

function ask(plan: Plan, contractFacts: ContractFacts | null, over: Partial<IntakeInput> = {}): IntakeInput {
  return {
    plan,
    contract: contractFacts,
    restrictions: [],
    today: '2026-06-01',
    now: NOW,
    channel: 'portal',
    loggedByAgent: false,
    requester: { registeredOnDesk: true, subscribedToProductUpdates: true },
    platform: null,
    compatibility: null,
    phoneIncidentsThisContractYear: 0,
    ...over,
  };
}

const suspension: IntakeRestriction = { revokes: ['support'], reason: 'flooding', kind: 'suspension' };
const unkinded: IntakeRestriction = { revokes: ['support'], reason: 'refusing-to-answer' };
const revocation: IntakeRestriction = {
  revokes: ['support', 'updates', 'refund'],
  reason: 'threats in ticket tkt_1',
  kind: 'revocation',
};
const refundOnly: IntakeRestriction = { revokes: ['refund'], reason: 'refund-abuse', kind: 'suspension' };

const accepted: IntakeDecision = { outcome: 'accepted', maintenance: null };
const refused = (reason: string, message: RegExp, field?: string) =>
  expect.objectContaining({
    outcome: 'refused',
    reason,
    message: expect.stringMatching(message),
    ...(field === undefined ? {} : { field }),
  });

const noPortal = edited(s0, (p) => {
  p.channels.portal = false;
});
const emailOff = edited(s2, (p) => {
  p.channels.email = 'off';
});
const noSupport = edited(s0, (p) => {
  p.entitlements.support = false;
});
const s4MustRegister = edited(s4, (p) => {
  p.eligibility.registeredOnDesk = true;
  p.eligibility.productUpdateMailSubscription = true;
  p.eligibility.platformCompatibility = 'declared-at-purchase';
});

type Row = [name: string, input: IntakeInput, expected: unknown];

describe('decideIntake(): the help-desk intake gate', () => {
  it.each<Row>([
    // (1) restrictions revoking support
    [
      'R1.3 (S1): a confirmed revocation refuses SUPPORT_REVOKED with its reason',
      ask(s1, S1_CONTRACT, { restrictions: [revocation] }),
      refused('SUPPORT_REVOKED', /revoked: threats in ticket tkt_1/),
    ],
    [
      'R1.3 (S1): a revocation wins over a suspension',
      ask(s1, S1_CONTRACT, { restrictions: [suspension, revocation] }),
      refused('SUPPORT_REVOKED', /revoked/),
    ],
    [
      'R1.4 (S1): a recorded refusal reason refuses SUPPORT_SUSPENDED',
      ask(s1, S1_CONTRACT, { restrictions: [suspension] }),
      refused('SUPPORT_SUSPENDED', /suspended.*flooding/),
    ],
    [
      'R1.4 (S1): a restriction without a kind is a suspension',
      ask(s1, S1_CONTRACT, { restrictions: [unkinded] }),
      refused('SUPPORT_SUSPENDED', /refusing-to-answer/),
    ],
    [
      'R1.4 (S1): a restriction that does not revoke support lets the ticket in',
      ask(s1, S1_CONTRACT, { restrictions: [refundOnly] }),
      accepted,
    ],
    [
      'R1.4 + R1.7 (S4): a suspension refuses even where the ticket would be billable',
      ask(s4, null, { restrictions: [suspension] }),
      refused('SUPPORT_SUSPENDED', /suspended/),
    ],
    [
      'R1.3 (S1): restrictions are checked before the channel',
      ask(s1, S1_CONTRACT, { restrictions: [revocation], channel: 'email' }),
      refused('SUPPORT_REVOKED', /revoked/),
    ],
    // (2) channels
    [
      'R2.1 (S1): mail to a portal-only desk is refused and points to the portal',
      ask(s1, S1_CONTRACT, { channel: 'email' }),
      refused(
        'CHANNEL_NOT_ALLOWED',
        /Email does not open support tickets; please open a ticket on the support portal/,
      ),
    ],
    [
      'R2.1 (S1): no phone support on a portal-only desk',
      ask(s1, S1_CONTRACT, { channel: 'phone', loggedByAgent: true }),
      refused('CHANNEL_NOT_ALLOWED', /no phone support.*on the support portal/),
    ],
    [
      'R2.1 (S1): no chat support on a portal-only desk',
      ask(s1, S1_CONTRACT, { channel: 'chat', loggedByAgent: true }),
      refused('CHANNEL_NOT_ALLOWED', /no chat support/),
    ],
    [
      'R2.1 (S1): the API opens tickets where the portal does',
      ask(s1, S1_CONTRACT, { channel: 'api' }),
      accepted,
    ],
    ['R2.1 (S0): email opens tickets', ask(s0, S0_CONTRACT, { channel: 'email' }), accepted],
    [
      'R2.1 (S0): a customer cannot log a phone incident; an agent does',
      ask(s0, S0_CONTRACT, { channel: 'phone' }),
      refused('CHANNEL_NOT_ALLOWED', /Phone incidents are logged as tickets by a support agent/),
    ],
    [
      'R2.1 (S0): a customer cannot log a chat incident; an agent does',
      ask(s0, S0_CONTRACT, { channel: 'chat' }),
      refused('CHANNEL_NOT_ALLOWED', /Chat incidents are logged as tickets by a support agent/),
    ],
    [
      'R2.1 (S0): an agent logs a phone incident',
      ask(s0, S0_CONTRACT, { channel: 'phone', loggedByAgent: true }),
      accepted,
    ],
    [
      'R2.1 (S0): an agent logs a chat incident',
      ask(s0, S0_CONTRACT, { channel: 'chat', loggedByAgent: true }),
      accepted,
    ],
    [
      'R2.1 (S0 without portal): the portal is refused and the open channels are named',
      ask(noPortal, S0_CONTRACT),
      refused(
        'CHANNEL_NOT_ALLOWED',
        /on the support portal\. Please reach us by email or by chat or by phone/,
      ),
    ],
    [
      'R2.1 (S0 without portal): the API needs the portal channel',
      ask(noPortal, S0_CONTRACT, { channel: 'api' }),
      refused('CHANNEL_NOT_ALLOWED', /through the API/),
    ],
    [
      'R2.1 (S2 with email off): mail opens no ticket',
      ask(emailOff, S2_CONTRACT, { channel: 'email' }),
      refused('CHANNEL_NOT_ALLOWED', /Please reach us on the support portal/),
    ],
    [
      'R2.1 (S1): the channel is checked before coverage',
      ask(s1, null, { channel: 'email' }),
      refused('CHANNEL_NOT_ALLOWED', /portal/),
    ],
    // (3) the plan gives support at all
    [
      'R1.1 (S0 without support): NOT_ENTITLED_BY_PLAN before coverage',
      ask(noSupport, null),
      refused('NOT_ENTITLED_BY_PLAN', /does not include support/),
    ],
    // (4) coverage: refuse
    ['R1.1 (S0): a covered contract is accepted', ask(s0, S0_CONTRACT), accepted],
    [
      'R1.1 + R1.7 (S0): no contract refuses NO_CONTRACT',
      ask(s0, null),
      refused('NO_CONTRACT', /no support contract for this product/),
    ],
    [
      'R1.1 (S0): a contract without terms refuses NO_CONTRACT',
      ask(s0, contract([])),
      refused('NO_CONTRACT', /no support contract/),
    ],
    [
      'R1.1 (S0): a lapsed contract refuses CONTRACT_LAPSED with the lapse date',
      ask(s0, S0_CONTRACT, { today: '2027-05-01' }),
      refused('CONTRACT_LAPSED', /^Your support contract for this product lapsed on 2027-01-10; renew it/),
    ],
    [
      'R1.1 (S0): lapsing on the expiry date itself',
      ask(s0, S0_CONTRACT, { today: '2027-01-10' }),
      refused('CONTRACT_LAPSED', /lapsed on 2027-01-10/),
    ],
    ['R1.1 (S0): the last covered day is accepted', ask(s0, S0_CONTRACT, { today: '2027-01-09' }), accepted],
    [
      'R1.1 (S2): between two spans the message says when support resumes',
      ask(
        s2,
        contract([term('initial', '2026-01-10', '2026-04-10'), term('renewal', '2026-06-15', '2026-09-15')]),
      ),
      refused('CONTRACT_LAPSED', /lapsed on 2026-04-10 and resumes on 2026-06-15/),
    ],
    [
      'R1.1 (S0): before the first term refuses CONTRACT_NOT_STARTED with the start date',
      ask(s0, S0_CONTRACT, { today: '2026-01-09' }),
      refused('CONTRACT_NOT_STARTED', /starts on 2026-01-10/),
    ],
    [
      'R0.4 (S0): in the backdated gap refuses IN_BACKDATED_GAP with the payment date',
      ask(s0, contract(BACKDATED_S0), { today: '2027-03-01' }),
      refused('IN_BACKDATED_GAP', /support resumes only on 2027-06-15/),
    ],
    [
      'R0.4 (S0): from the payment date support is back',
      ask(s0, contract(BACKDATED_S0), { today: '2027-06-15' }),
      accepted,
    ],
    // (4) coverage: billable (R1.7)
    [
      'R1.7 (S4): without a contract the ticket is billable at the hourly rate',
      ask(s4, null),
      { outcome: 'billable', because: 'NO_CONTRACT', ratePerHour: S4_RATE, maintenance: null },
    ],
    [
      'R1.7 (S4): a lapsed subscription is billable, because CONTRACT_LAPSED',
      ask(s4, S4_CONTRACT, { today: '2027-04-01' }),
      { outcome: 'billable', because: 'CONTRACT_LAPSED', ratePerHour: S4_RATE, maintenance: null },
    ],
    [
      'R1.7 (S4): before the subscription starts the ticket is billable',
      ask(s4, S4_CONTRACT, { today: '2026-02-01' }),
      { outcome: 'billable', because: 'CONTRACT_NOT_STARTED', ratePerHour: S4_RATE, maintenance: null },
    ],
    [
      'R1.7 + R4.4 (S4): in the backfilled gap the ticket is billable',
      ask(s4, S4_GAP, { today: '2027-04-01' }),
      { outcome: 'billable', because: 'IN_BACKDATED_GAP', ratePerHour: S4_RATE, maintenance: null },
    ],
    [
      'R1.7 (S4 with every eligibility rule): billable skips registration, mailing list and platform',
      ask(s4MustRegister, null, {
        requester: { registeredOnDesk: false, subscribedToProductUpdates: false },
      }),
      { outcome: 'billable', because: 'NO_CONTRACT', ratePerHour: S4_RATE, maintenance: null },
    ],
    [
      'R1.7 + R2.1 (S4): a billable phone incident is not counted against the quota',
      ask(s4, null, { channel: 'phone', loggedByAgent: true, phoneIncidentsThisContractYear: 9 }),
      { outcome: 'billable', because: 'NO_CONTRACT', ratePerHour: S4_RATE, maintenance: null },
    ],
    [
      'R2.1 + R1.7 (S4): the channel is checked before billing',
      ask(s4, null, { channel: 'chat', loggedByAgent: true }),
      refused('CHANNEL_NOT_ALLOWED', /no chat support/),
    ],
    // (5, 6) S1 eligibility
    ['R1.1 (S1): a registered, subscribed customer is accepted', ask(s1, S1_CONTRACT), accepted],
    [
      'R1.1 (S1): a customer not registered on the desk is refused NOT_REGISTERED_ON_DESK',
      ask(s1, S1_CONTRACT, { requester: { registeredOnDesk: false, subscribedToProductUpdates: true } }),
      refused('NOT_REGISTERED_ON_DESK', /Register with the support desk/),
    ],
    [
      'R1.1 (S1): an unsubscribed customer is refused UNSUBSCRIBED_FROM_PRODUCT_UPDATES',
      ask(s1, S1_CONTRACT, { requester: { registeredOnDesk: true, subscribedToProductUpdates: false } }),
      refused('UNSUBSCRIBED_FROM_PRODUCT_UPDATES', /product-update mailing list/),
    ],
    [
      'R1.1 (S1): registration is checked before the mailing list',
      ask(s1, S1_CONTRACT, { requester: { registeredOnDesk: false, subscribedToProductUpdates: false } }),
      refused('NOT_REGISTERED_ON_DESK', /Register/),
    ],
    [
      'R1.1 (S1): coverage is checked before registration',
      ask(s1, S1_CONTRACT, {
        today: '2026-08-01',
        requester: { registeredOnDesk: false, subscribedToProductUpdates: false },
      }),
      refused('CONTRACT_LAPSED', /lapsed on 2026-07-15/),
    ],
    [
      'R1.1 (S0): plans without these rules ignore registration and subscription',
      ask(s0, S0_CONTRACT, { requester: { registeredOnDesk: false, subscribedToProductUpdates: false } }),
      accepted,
    ],
    // (7) S2 platform compatibility
    [
      'R1.2 (S2): a platform version declared at purchase is accepted',
      ask(s2, S2_CONTRACT, {
        platform: { platform: 'PrestaShop', version: '8.1.2' },
        compatibility: STORE_8,
      }),
      accepted,
    ],
    [
      'R1.2 (S2): platform names compare trimmed and case-insensitively, versions trimmed',
      ask(s2, S2_CONTRACT, {
        platform: { platform: '  prestashop ', version: ' 8.0.4 ' },
        compatibility: STORE_8,
      }),
      accepted,
    ],
    [
      'R1.2 (S2): a version not declared at purchase is refused PLATFORM_NOT_COMPATIBLE',
      ask(s2, S2_CONTRACT, {
        platform: { platform: 'PrestaShop', version: '9.0.0' },
        compatibility: STORE_8,
      }),
      refused(
        'PLATFORM_NOT_COMPATIBLE',
        /PrestaShop 9\.0\.0 is not among .*\(PrestaShop 8\.0\.4, PrestaShop 8\.1\.2\)/,
        'body.platform',
      ),
    ],
    [
      'R1.2 (S2): versions compare exactly (8.1 is not 8.1.2)',
      ask(s2, S2_CONTRACT, { platform: { platform: 'PrestaShop', version: '8.1' }, compatibility: STORE_8 }),
      refused('PLATFORM_NOT_COMPATIBLE', /8\.1 is not among/, 'body.platform'),
    ],
    [
      'R1.2 (S2): a declared version of another platform is refused',
      ask(s2, S2_CONTRACT, { platform: { platform: 'Magento', version: '8.1.2' }, compatibility: STORE_8 }),
      refused('PLATFORM_NOT_COMPATIBLE', /Magento 8\.1\.2/, 'body.platform'),
    ],
    [
      'R1.2 (S2): nothing declared at purchase is refused PLATFORM_NOT_COMPATIBLE',
      ask(s2, S2_CONTRACT, { platform: { platform: 'PrestaShop', version: '8.1.2' }, compatibility: null }),
      refused('PLATFORM_NOT_COMPATIBLE', /No compatible platform versions were recorded/, 'body.platform'),
    ],
    [
      'R1.2 (S2): a ticket naming no platform is refused PLATFORM_VERSION_REQUIRED',
      ask(s2, S2_CONTRACT, { compatibility: STORE_8 }),
      refused('PLATFORM_VERSION_REQUIRED', /Name your platform and its version/, 'body.platform'),
    ],
    [
      'R1.2 (S2): a blank version counts as none',
      ask(s2, S2_CONTRACT, { platform: { platform: 'PrestaShop', version: '  ' }, compatibility: STORE_8 }),
      refused('PLATFORM_VERSION_REQUIRED', /version/, 'body.platform'),
    ],
    [
      'R1.2 (S0): plans that do not check compatibility ignore the platform',
      ask(s0, S0_CONTRACT, { platform: { platform: 'Anything', version: '0' } }),
      accepted,
    ],
    // (8) S4 phone quota
    [
      'R2.1 (S4): the 5th phone incident of the contract year is accepted',
      ask(s4, S4_CONTRACT, { channel: 'phone', loggedByAgent: true, phoneIncidentsThisContractYear: 4 }),
      accepted,
    ],
    [
      'R2.1 (S4): the 6th phone incident is refused PHONE_INCIDENTS_EXHAUSTED',
      ask(s4, S4_CONTRACT, { channel: 'phone', loggedByAgent: true, phoneIncidentsThisContractYear: 5 }),
      refused(
        'PHONE_INCIDENTS_EXHAUSTED',
        /All 5 phone incidents .*\(2026-03-01 to 2027-03-01\).*renew on 2027-03-01.*on the support portal or by email/,
      ),
    ],
    [
      'R2.1 (S4): the phone quota does not limit portal tickets',
      ask(s4, S4_CONTRACT, { phoneIncidentsThisContractYear: 12 }),
      accepted,
    ],
    [
      'R2.1 (S0): phone without a quota is unlimited',
      ask(s0, S0_CONTRACT, { channel: 'phone', loggedByAgent: true, phoneIncidentsThisContractYear: 100 }),
      accepted,
    ],
  ])('%s', (_name, input, expected) => {
    expect(decideIntake(input)).toEqual(expected);
  });

  it('R2.1: TICKET_CHANNELS lists every channel once', () => {
    expect([...TICKET_CHANNELS].sort()).toEqual(['api', 'chat', 'email', 'phone', 'portal']);
  });
});

describe('contractYearOf(): anniversaries of the purchase, end-of-month clamped', () => {
  it.each<[string, string, string, string, string]>([
    [
      'R2.1 (S4): the purchase day opens the first year',
      '2026-03-01',
      '2026-03-01',
      '2026-03-01',
      '2027-03-01',
    ],
    ['R2.1 (S4): the day before the anniversary', '2026-03-01', '2027-02-28', '2026-03-01', '2027-03-01'],
    [
      'R2.1 (S4): the anniversary opens the next year',
      '2026-03-01',
      '2027-03-01',
      '2027-03-01',
      '2028-03-01',
    ],
    ['R2.1 (S4): years later', '2026-03-01', '2031-07-04', '2031-03-01', '2032-03-01'],
    [
      'R2.1 (S4): before the purchase, the year before it',
      '2026-03-01',
      '2026-02-28',
      '2025-03-01',
      '2026-03-01',
    ],
    ['R2.1 (S4): a Feb 29 purchase, first year', '2028-02-29', '2029-02-27', '2028-02-29', '2029-02-28'],
    ['R2.1 (S4): a Feb 29 purchase renews on Feb 28', '2028-02-29', '2029-02-28', '2029-02-28', '2030-02-28'],
    [
      'R2.1 (S4): a Feb 29 purchase, the year before the next leap day',
      '2028-02-29',
      '2032-02-28',
      '2031-02-28',
      '2032-02-29',
    ],
    [
      'R2.1 (S4): a Feb 29 purchase, the next leap day',
      '2028-02-29',
      '2032-02-29',
      '2032-02-29',
      '2033-02-28',
    ],
    [
      'R2.1 (S4): a Dec 31 purchase crosses the new year',
      '2026-12-31',
      '2027-01-01',
      '2026-12-31',
      '2027-12-31',
    ],
  ])('%s', (_name, purchasedOn, today, startsOn, endsOn) => {
    expect(contractYearOf(purchasedOn, today)).toEqual({ startsOn, endsOn });
  });
});

describe('maintenanceWindowAt(): announced maintenance windows (R2.5)', () => {
  const withClosures = (plan: Plan, closures: { start: string; end: string; reason?: string }[]) =>
    edited(plan, (p) => {
      if (p.calendar === undefined) throw new Error('the plan needs a calendar');
      p.calendar.closures = closures;
    });
  const upgrade = { start: '2026-06-01T08:00:00Z', end: '2026-06-01T12:00:00Z', reason: 'Server upgrade' };
  const soon = { start: '2026-06-08T22:00:00+02:00', end: '2026-06-09T02:00:00+02:00' };
  const s1Active = withClosures(s1, [upgrade]);
  const s1Soon = withClosures(s1, [soon]);

  it.each<[string, Plan, string, unknown]>([
    [
      'R2.5 (S1): a window active now is announced as active',
      s1Active,
      '2026-06-01T10:00:00Z',
      { start: '2026-06-01T08:00:00Z', end: '2026-06-01T12:00:00Z', reason: 'Server upgrade', active: true },
    ],
    [
      'R2.5 (S1): the window start is inside it',
      s1Active,
      '2026-06-01T08:00:00Z',
      expect.objectContaining({ active: true }),
    ],
    ['R2.5 (S1): the window end is outside it', s1Active, '2026-06-01T12:00:00Z', null],
    [
      'R2.5 (S1): a window starting within 14 days is announced as upcoming, in UTC, without a reason',
      s1Soon,
      '2026-06-01T10:00:00Z',
      { start: '2026-06-08T20:00:00Z', end: '2026-06-09T00:00:00Z', reason: null, active: false },
    ],
    [
      'R2.5 (S1): a window starting exactly 14 days ahead is announced',
      s1Soon,
      '2026-05-25T20:00:00Z',
      expect.objectContaining({ active: false }),
    ],
    ['R2.5 (S1): a window starting more than 14 days ahead is not', s1Soon, '2026-05-25T19:59:59Z', null],
    ['R2.5 (S1): a past window is not announced', s1Soon, '2026-06-10T00:00:00Z', null],
    ['R2.5 (S1): no closures, no notice', s1, '2026-06-01T10:00:00Z', null],
    [
      'R2.5 (S1): an active window wins over an earlier-listed upcoming one',
      withClosures(s1, [soon, upgrade]),
      '2026-06-01T10:00:00Z',
      expect.objectContaining({ reason: 'Server upgrade', active: true }),
    ],
    [
      'R2.5 (S1): of two upcoming windows the sooner is announced',
      withClosures(s1, [soon, { start: '2026-06-03T00:00:00Z', end: '2026-06-03T01:00:00Z', reason: 'DB' }]),
      '2026-06-01T10:00:00Z',
      expect.objectContaining({ reason: 'DB', active: false }),
    ],
    [
      'R2.5 (S4): with maintenance pauses off, closures are not announced',
      withClosures(s4, [upgrade]),
      '2026-06-01T10:00:00Z',
      null,
    ],
    [
      'R2.5 (S0 with pauses on): a plan without a calendar has no windows',
      edited(s0, (p) => {
        p.pauses.maintenanceWindows = true;
      }),
      '2026-06-01T10:00:00Z',
      null,
    ],
  ])('%s', (_name, plan, now, expected) => {
    expect(maintenanceWindowAt(plan, Temporal.Instant.from(now))).toEqual(expected);
  });

  it('R2.5 (S1): an accepted ticket carries the active window', () => {
    expect(decideIntake(ask(s1Active, S1_CONTRACT))).toEqual({
      outcome: 'accepted',
      maintenance: expect.objectContaining({ reason: 'Server upgrade', active: true }),
    });
  });

  it('R2.5 + R1.7 (S4 with pauses on): a billable ticket carries the upcoming window', () => {
    const plan = edited(withClosures(s4, [soon]), (p) => {
      p.pauses.maintenanceWindows = true;
    });
    expect(decideIntake(ask(plan, null))).toEqual({
      outcome: 'billable',
      because: 'NO_CONTRACT',
      ratePerHour: S4_RATE,
      maintenance: {
        start: '2026-06-08T20:00:00Z',
        end: '2026-06-09T00:00:00Z',
        reason: null,
        active: false,
      },
    });
  });

  it('R2.5 (S1): a refused ticket carries no notice', () => {
    expect(decideIntake(ask(s1Active, null))).not.toHaveProperty('maintenance');
  });
});
