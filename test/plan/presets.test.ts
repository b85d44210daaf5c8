import { describe, expect, it } from 'vitest';
import { effectiveTargets, flattenCategories } from '../../src/core/plan/plan.categories.ts';
import type { Plan } from '../../src/core/plan/plan.schema.ts';
import { loadPreset, PRESET_NAMES, type PresetName } from './plan-helpers.ts';

const plans = Object.fromEntries(PRESET_NAMES.map((n) => [n, loadPreset(n)])) as Record<PresetName, Plan>;

function targetsOf(plan: Plan, id: string) {
  const flat = flattenCategories(plan.categories).find((f) => f.category.id === id);
  if (!flat) throw new Error(`no category ${id}`);
  return effectiveTargets(plan.defaultTargets, flat);
}

describe('the five presets validate and carry their key', () => {
  it.each(PRESET_NAMES)('%s validates', (name) => {
    expect(plans[name].key).toBe(name);
  });
});

type Case = [string, PresetName, (p: Plan) => unknown, unknown];
const cases: Case[] = [
  // Coverage
  [
    'first term is 1 year from purchase (R0.1, S0)',
    'annual-maintenance',
    (p) => [p.coverage.term, p.coverage.startsAt],
    [{ years: 1 }, 'purchase-date'],
  ],
  [
    'first term is 6 months from purchase (R0.1, S1)',
    'ticket-desk',
    (p) => [p.coverage.term, p.coverage.startsAt],
    [{ months: 6 }, 'purchase-date'],
  ],
  [
    'first term is 3 months from purchase (R0.1, S2)',
    'addon-support',
    (p) => [p.coverage.term, p.coverage.startsAt],
    [{ months: 3 }, 'purchase-date'],
  ],
  [
    'service period starts at the earlier of invoice and payment (R4.2, S4)',
    'per-user-subscription',
    (p) => p.coverage.startsAt,
    'earlier-of-invoice-or-payment',
  ],
  [
    'a year contract is included with a license (R0.1, S0)',
    'annual-maintenance',
    (p) => p.coverage.includedWithLicense,
    true,
  ],
  // Renewal
  [
    'renewal after expiry is backdated, service from payment (R0.4, S0)',
    'annual-maintenance',
    (p) => [p.renewal.timing, p.renewal.serviceResumesFrom],
    ['backdate', 'payment-date'],
  ],
  [
    'renewal of an active support extends after expiry, 3 months (R0.4, S2)',
    'addon-support',
    (p) => [p.renewal.timing, p.renewal.term],
    ['extend', { months: 3 }],
  ],
  ['renewal starts from now (R0.4, S1)', 'ticket-desk', (p) => p.renewal.timing, 'from-now'],
  [
    'renewals backfill to the original expiry (R4.4, S4)',
    'per-user-subscription',
    (p) => p.renewal.timing,
    'backdate',
  ],
  [
    'service after a backfilled renewal resumes at the earlier of invoice and payment (R0.4, R4.2, S4)',
    'per-user-subscription',
    (p) => p.renewal.serviceResumesFrom,
    'earlier-of-invoice-or-payment',
  ],
  ['no deadline to renew (R0.4, S0)', 'annual-maintenance', (p) => p.renewal.deadline, 'none'],
  // Price
  [
    'renewal price by product category (R0.5, S0)',
    'annual-maintenance',
    (p) => p.price.rule,
    'category-table',
  ],
  [
    'technical support is free: a renewal costs nothing (R0.5, S1)',
    'ticket-desk',
    (p) => p.price.rule === 'category-table' && p.price.categories.map((c) => c.pricePerTerm.amountMinor),
    [0],
  ],
  [
    'renewal costs 30% of the undiscounted list price (R0.5, S2)',
    'addon-support',
    (p) => p.price.rule === 'percent-of-list' && [p.price.percent, p.price.base],
    [30, 'undiscounted-list-price-at-purchase'],
  ],
  [
    'priced per counted user, voicemail and phone trees not counted (R4.1, S4)',
    'per-user-subscription',
    (p) => p.price.rule === 'per-user' && [p.price.counting.notCounted, p.price.counting.onePersonCountsOnce],
    [['voicemail-box', 'greeting-menu'], true],
  ],
  [
    'annual commitment, monthly instalments or annual discount, prorated additions (R4.2, S4)',
    'per-user-subscription',
    (p) =>
      p.price.rule === 'per-user' && [
        p.price.commitment.term,
        p.price.billing.monthlyInstalments,
        p.price.addedUsers,
      ],
    [{ years: 1 }, true, 'prorated-to-term-end'],
  ],
  [
    'reinstatement fee on lapse (R4.4, S4)',
    'per-user-subscription',
    (p) => p.payment.reinstatementFee?.currency,
    'USD',
  ],
  // Entitlements
  [
    'perpetual fallback and automatic new major keys (R0.3, S0)',
    'annual-maintenance',
    (p) => [p.entitlements.perpetualFallback, p.entitlements.newMajorKeys],
    [true, 'automatic'],
  ],
  [
    'subscription features stop on lapse and validation reports them off (R4.3, S4)',
    'per-user-subscription',
    (p) => [
      p.features.map((f) => f.key),
      p.lapse.stops.includes('features'),
      p.lapse.licenseValidationReportsFeaturesOff,
    ],
    [['app', 'remote-portal', 'off-site-devices', 'integrations', 'add-extensions'], true, true],
  ],
  [
    'only support ends after 6 months; updates and downloads outlast it (R0.8, R1.3, S1)',
    'ticket-desk',
    (p) => [p.lapse.stops, p.entitlements.updates, p.entitlements.downloads],
    [['support'], 'minor-and-major', 'all-releases'],
  ],
  // Channels
  [
    'portal only; mail answered with a pointer to the portal (R2.1, S1)',
    'ticket-desk',
    (p) => [p.channels.email, p.channels.phone.enabled, p.channels.chat],
    ['pointer-to-portal', false, false],
  ],
  [
    'e-mail, chat and phone support (R2.1, S0)',
    'annual-maintenance',
    (p) => [p.channels.email, p.channels.chat, p.channels.phone.enabled],
    ['tickets', true, true],
  ],
  [
    'remote assistance on your system (R2.1, S0)',
    'annual-maintenance',
    (p) => p.channels.remoteAssistance,
    true,
  ],
  [
    'no intervention on the customer store, so no remote assistance (R2.1, S2)',
    'addon-support',
    (p) => p.channels.remoteAssistance,
    false,
  ],
  [
    'phone limited to 5 incidents per contract year (R2.1, S4)',
    'per-user-subscription',
    (p) => p.channels.phone.incidentsPerContractYear,
    5,
  ],
  // Calendar and targets
  [
    'service hours weekdays 09:00-18:00, working day 9 h (R2.4, S3)',
    'business-sla',
    (p) => [p.calendar?.week.mon, p.calendar?.week.fri, p.calendar?.week.sat, p.calendar?.workingDayLength],
    [['09:00-18:00'], ['09:00-18:00'], undefined, '9h'],
  ],
  [
    'engineer appointed within 1 working hour in every category (R2.4, S3)',
    'business-sla',
    (p) => targetsOf(p, '2.4').assignment,
    { within: '1h', clock: 'working', binding: 'guarantee' },
  ],
  [
    'resolution within 1 working day for category 3 (R2.4, S3)',
    'business-sla',
    (p) => ['3', '3.1', '3.2', '3.3'].map((id) => targetsOf(p, id).resolution?.within),
    ['1wd', '1wd', '1wd', '1wd'],
  ],
  [
    'resolution within 2 working days for consultations (R2.4, S3)',
    'business-sla',
    (p) => targetsOf(p, '1').resolution?.within,
    '2wd',
  ],
  [
    '3.4 with complete inoperability: 5 working days (R2.4, S3)',
    'business-sla',
    (p) => targetsOf(p, '3.4').resolution,
    {
      within: '5wd',
      clock: 'working',
      binding: 'guarantee',
      appliesWhen: { impact: ['complete-inoperability'] },
    },
  ],
  [
    'first response within 24 h of calendar time (R2.4, S0)',
    'annual-maintenance',
    (p) => targetsOf(p, 'support').firstResponse,
    { within: '24h', clock: 'calendar', binding: 'guarantee' },
  ],
  [
    'answers and resolution are targets, not guarantees (R2.4, S1)',
    'ticket-desk',
    (p) => [targetsOf(p, 'question').firstResponse?.binding, targetsOf(p, 'question').resolution?.binding],
    ['target', 'target'],
  ],
  [
    'a defect is corrected within 30 working days, an undertaking (R2.4, S2)',
    'addon-support',
    (p) => targetsOf(p, 'anomaly').resolution,
    { within: '30wd', clock: 'working', binding: 'guarantee' },
  ],
  [
    'renewal of an expired support starts at the renewal date, at any point (R0.4, S2)',
    'addon-support',
    (p) => [p.renewal.serviceResumesFrom, p.renewal.deadline, p.renewal.maxTermsPerRenewal],
    ['term-start', 'none', 1],
  ],
  // Pauses and automations
  [
    'clocks pause waiting on customer and in maintenance windows (R2.5, S1)',
    'ticket-desk',
    (p) => p.pauses,
    { waitingOnCustomer: true, maintenanceWindows: true },
  ],
  [
    'tickets close after 8 days of inactivity from the last public message (R2.7, S1)',
    'ticket-desk',
    (p) => p.automations.inactivityClose,
    { afterDays: 8, measuredFrom: 'last-public-message' },
  ],
  [
    'the older duplicate is closed (R2.8, S1)',
    'ticket-desk',
    (p) => p.automations.duplicateClose?.close,
    'older',
  ],
  [
    'a reply to a closed ticket opens a linked one (R2.9, S1)',
    'ticket-desk',
    (p) => p.automations.oneQuestionPerTicket,
    { closeOnResolve: true, replyToClosed: 'new-linked-ticket' },
  ],
  [
    'a total system outage goes to the top (R2.6, S4)',
    'per-user-subscription',
    (p) => flattenCategories(p.categories).find((f) => f.category.topPriority)?.category.id,
    'total-outage',
  ],
  // Eligibility, conduct, budgets
  [
    'support needs desk registration and the update mailing list (R1.1, S1)',
    'ticket-desk',
    (p) => [p.eligibility.registeredOnDesk, p.eligibility.productUpdateMailSubscription],
    [true, true],
  ],
  [
    'platform version must be compatible at purchase (R1.2, S2)',
    'addon-support',
    (p) => p.eligibility.platformCompatibility,
    'declared-at-purchase',
  ],
  [
    'abuse is flagged for an agent and costs support, updates, refund (R1.3, S1)',
    'ticket-desk',
    (p) => [p.conduct.abuseDetection, p.conduct.abuseRevokes],
    ['flag-for-agent', ['support', 'updates', 'refund']],
  ],
  [
    'eight refusal reasons and more (R1.4, S1)',
    'ticket-desk',
    (p) => p.conduct.refusalReasons.length >= 8,
    true,
  ],
  [
    '2.4 capped at 10 h per month per contract, agreed in advance (R2.10, S3)',
    'business-sla',
    (p) => p.budgets,
    [
      {
        category: '2.4',
        hours: 10,
        period: 'month',
        per: 'contract',
        requiresPriorEstimateAgreement: true,
        visibleToCustomer: true,
      },
    ],
  ],
  // Refunds and without a contract
  [
    'no refund once the first ticket is resolved (R5.1, S1)',
    'ticket-desk',
    (p) => p.refunds.policy,
    'until-first-ticket-resolved',
  ],
  [
    'refundable when a defect stays uncorrected (R2.4, R5.1, S2)',
    'addon-support',
    (p) => p.refunds,
    { policy: 'uncorrected-defect', category: 'anomaly', refund: 'product-price' },
  ],
  ['never refundable (R5.1, S4)', 'per-user-subscription', (p) => p.refunds.policy, 'never'],
  [
    'without a contract: billed hourly (R1.7, S4)',
    'per-user-subscription',
    (p) => p.withoutContract.mode,
    'hourly',
  ],
  ['without a contract: refused (R1.7, S0)', 'annual-maintenance', (p) => p.withoutContract.mode, 'refuse'],
  [
    'on lapse support, updates, features and backups stop; backups may be deleted (R4.3, S4)',
    'per-user-subscription',
    (p) => [p.lapse.stops, p.lapse.backupRetentionDays !== undefined, p.entitlements.configBackups],
    [['support', 'updates', 'downloads', 'features', 'backup-downloads'], true, true],
  ],
  [
    'hardware, network and third-party issues out of scope (R1.6, S4)',
    'per-user-subscription',
    (p) => p.outOfScope.map((o) => o.key).slice(0, 3),
    ['hardware', 'network', 'third-party-software'],
  ],
];

describe('presets reproduce their seeds rule by rule', () => {
  it.each(cases)('%s', (_name, preset, pick, expected) => {
    expect(pick(plans[preset])).toEqual(expected);
  });
});
