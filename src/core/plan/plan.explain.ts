import { effectiveTargets, flattenCategories } from './plan.categories.ts';
import type { Plan } from './plan.schema.ts';
import type { SlaTarget, TargetKind } from './plan-desk.schema.ts';
import { workingDayLengthOfSpec } from './plan-explain.calendar.ts';
import {
  formatMoney,
  formatTerm,
  formatTermUnit,
  formatWeek,
  formatWithin,
  joinWords,
} from './plan-explain.words.ts';

export interface ExplainSection {
  heading: string;
  sentences: string[];
}

export interface PlanExplanation {
  title: string;
  sections: ExplainSection[];
}

/**
 * The plan in plain sentences grouped by section, each citing its PRODUCT.md rule, so a vendor can hold
 * it against their published terms. Example: explainPlan(annualMaintenance).sections[0].sentences[0] →
 * "Support and maintenance runs for 1 year from the purchase date (R0.1)."
 */
export function explainPlan(plan: Plan): PlanExplanation {
  const sections: ExplainSection[] = [
    { heading: 'Coverage', sentences: coverage(plan) },
    { heading: 'Renewal', sentences: renewal(plan) },
    { heading: 'Price and payment', sentences: price(plan) },
    { heading: 'Entitlements', sentences: entitlements(plan) },
    { heading: 'Channels', sentences: channels(plan) },
    { heading: 'Service hours', sentences: serviceHours(plan) },
    { heading: 'Ticket categories and SLA targets', sentences: categories(plan) },
    { heading: 'Queue, pauses and automations', sentences: queueAndAutomations(plan) },
    { heading: 'Eligibility and conduct', sentences: eligibility(plan) },
    { heading: 'Budgets', sentences: budgets(plan) },
    { heading: 'Lapse', sentences: lapse(plan) },
    { heading: 'Refunds', sentences: refunds(plan) },
    { heading: 'Without a contract and out of scope', sentences: withoutContract(plan) },
  ];
  return {
    title: `${plan.name} (${plan.key}): ${plan.description}`,
    sections: sections.filter((s) => s.sentences.length > 0),
  };
}

/** Renders an explanation as text: a title line, then each section's heading and its sentences. */
export function formatExplanation(explanation: PlanExplanation): string {
  const blocks = explanation.sections.map(
    (s) => `${s.heading}\n${s.sentences.map((t) => `  - ${t}`).join('\n')}`,
  );
  return `${explanation.title}\n\n${blocks.join('\n\n')}\n`;
}

function coverage(plan: Plan): string[] {
  const { term, startsAt, includedWithLicense } = plan.coverage;
  const start =
    startsAt === 'purchase-date'
      ? 'from the purchase date (R0.1)'
      : 'from the invoice date or the payment date, whichever is earlier (R4.2)';
  // S1 ties only support to its term; updates outlast it (lapse.stops without updates).
  const what = plan.lapse.stops.includes('updates') ? 'Support and maintenance' : 'Technical support';
  return [
    `${what} runs for ${formatTerm(term)} ${start}.`,
    includedWithLicense
      ? 'The first term is included with each license purchase (R0.1).'
      : 'Support is bought as a separate subscription.',
    'Each product needs its own contract: two products, two contracts (R0.2).',
  ];
}

function renewal(plan: Plan): string[] {
  const r = plan.renewal;
  const timing = {
    backdate: {
      'payment-date':
        'A renewal after expiry is backdated to the old expiry date; service resumes from the payment date (R0.4).',
      'earlier-of-invoice-or-payment':
        'A renewal after expiry is backdated to the old expiry date; service resumes from the invoice date or the payment date, whichever is earlier (R0.4, R4.2).',
      'term-start': 'A renewal after expiry is backdated to the old expiry date (R0.4).',
    }[r.serviceResumesFrom],
    extend:
      'Renewing before expiry adds the new term after the current expiry; renewing after expiry starts the term on the renewal date (R0.4).',
    'from-now': 'A renewal term starts on the renewal date (R0.4).',
  }[r.timing];
  const size =
    r.maxTermsPerRenewal > 1
      ? `Each renewal is for ${formatTerm(r.term)} or more, up to ${r.maxTermsPerRenewal} terms at once (R0.4).`
      : `Each renewal is for ${formatTerm(r.term)} (R0.4).`;
  return [timing, size, 'There is no deadline to renew: renewal is possible at any time (R0.4).'];
}

function price(plan: Plan): string[] {
  const p = plan.price;
  const out: string[] = [];
  const free = p.rule === 'category-table' && p.categories.every((c) => c.pricePerTerm.amountMinor === 0);
  if (free) {
    out.push('Support is free: a renewal costs nothing (R0.5).');
  } else if (p.rule === 'category-table') {
    const rows = p.categories.map((c) => `${c.productCategory} ${formatMoney(c.pricePerTerm)}`);
    out.push(
      `The renewal price depends on the product category (R0.5): ${joinWords(rows)} per ${formatTermUnit(plan.renewal.term)}.`,
    );
  } else if (p.rule === 'percent-of-list') {
    out.push(
      `Each renewal costs ${p.percent}% of the product's list price at purchase, ignoring any discount applied (R0.5); rounded half-up.`,
    );
  } else {
    out.push(`The price is ${formatMoney(p.pricePerUserPerMonth)} per counted user per month (R4.1).`);
    out.push(
      `Counted as a user: ${joinWords(p.counting.counted)}; not counted: ${joinWords(p.counting.notCounted)} (R4.1).`,
    );
    if (p.counting.onePersonCountsOnce) out.push('One person with several such items counts once (R4.1).');
    if (p.counting.unassignedItemsCountEach)
      out.push('Items not assigned to a person count one each (R4.1).');
    const ways = p.billing.monthlyInstalments
      ? `paid in monthly instalments or annually with a ${p.billing.annualPrepaidDiscountPercent}% discount`
      : `paid annually with a ${p.billing.annualPrepaidDiscountPercent}% discount`;
    out.push(`A commitment of ${formatTerm(p.commitment.term)} is required, ${ways} (R4.2).`);
    out.push('Users added mid-term are prorated to the end of the term (R4.2).');
  }
  if (!free) {
    out.push(`Amounts are exact, in ${plan.currency} minor units (R0.6).`);
    if (plan.payment.prepaid) out.push('Payment is made in advance.');
  }
  if (plan.payment.reinstatementFee) {
    out.push(
      `Reinstating a lapsed subscription costs a reinstatement fee of ${formatMoney(plan.payment.reinstatementFee)} plus the renewal (R4.4).`,
    );
  }
  return out;
}

function entitlements(plan: Plan): string[] {
  const e = plan.entitlements;
  const out: string[] = [];
  const updates = { 'minor-and-major': 'minor and major updates', 'minor-only': 'minor updates', none: '' }[
    e.updates
  ];
  const updatesOutlastCoverage = updates !== '' && !plan.lapse.stops.includes('updates');
  const gets = [e.support ? 'technical support' : '', updatesOutlastCoverage ? '' : updates].filter(
    (w) => w !== '',
  );
  if (gets.length > 0) out.push(`While covered, the customer gets ${joinWords(gets)}.`);
  if (updatesOutlastCoverage) {
    out.push(`${updates[0]!.toUpperCase()}${updates.slice(1)} do not end with the support term.`);
  }
  if (e.downloads === 'covered-releases') {
    out.push('Releases published within the coverage can be downloaded; later ones cannot (R0.8).');
  }
  if (e.downloads === 'all-releases') {
    out.push('Every release can be downloaded, with or without an active support contract.');
  }
  if (e.perpetualFallback) {
    out.push(
      'The license stays valid for life for every release published while the customer was covered; releases published after coverage ended are not licensed (R0.3).',
    );
  }
  if (e.newMajorKeys === 'automatic') {
    out.push(
      'While covered, each new major version gets a new license key, issued and emailed automatically (R0.3).',
    );
  }
  if (e.releaseNotifications) out.push('Licensed users are emailed when a new version ships (R0.8).');
  if (e.configBackups)
    out.push('Configuration backups are uploaded over the API and downloadable while active (R4.5).');
  if (e.proactiveNotifications) {
    out.push("Events reported about the customer's system are emailed to the customer's admins (R4.6).");
  }
  if (plan.features.length > 0) {
    const names = plan.features.map((f) => f.description);
    out.push(`Subscription features while active: ${names.join('; ')} (R4.3).`);
  }
  return out;
}

function channels(plan: Plan): string[] {
  const c = plan.channels;
  const out: string[] = [];
  if (c.portal) out.push('Customers open tickets on the support portal (R2.1).');
  if (c.email === 'tickets') out.push('Email to the support address opens or answers a ticket (R2.1).');
  if (c.email === 'pointer-to-portal') {
    out.push(
      'Email to the support address gets an automatic answer pointing to the portal and creates no ticket (R2.1).',
    );
  }
  out.push(c.chat ? 'Chat support is offered (R2.1).' : 'There is no chat support (R2.1).');
  if (!c.phone.enabled) out.push('There is no phone support (R2.1).');
  else if (c.phone.incidentsPerContractYear !== undefined) {
    out.push(
      `Phone support is limited to ${c.phone.incidentsPerContractYear} incidents per contract year (R2.1).`,
    );
  } else out.push('Phone support is offered (R2.1).');
  if (c.remoteAssistance) out.push("A technician can assist remotely on the customer's system.");
  return out;
}

function serviceHours(plan: Plan): string[] {
  const cal = plan.calendar;
  if (!cal)
    return [
      'There is no service calendar: every target counts calendar time, nights, weekends and holidays included (R2.4).',
    ];
  const holidays = cal.holidays
    ? `, closed on ${cal.holidays.country}${cal.holidays.region ? `-${cal.holidays.region}` : ''} public holidays`
    : '';
  const day = workingDayLengthOfSpec(cal);
  return [
    `Service hours are ${formatWeek(cal)} (${cal.timeZone})${holidays} (R2.4).`,
    `A working day is ${day} of working time: N working days = N × ${day}, counted from registration (R2.4).`,
  ];
}

const KIND_WORDS: Record<TargetKind, string> = {
  assignment: 'a responsible engineer is appointed within',
  firstResponse: 'first answer within',
  nextResponse: 'each further answer within',
  resolution: 'resolution within',
};

function targetSentence(kind: TargetKind, target: SlaTarget): string {
  const when = target.appliesWhen ? ` when the impact is ${joinWords(target.appliesWhen.impact)}` : '';
  const binding = target.binding === 'target' ? ' (a target, not a guarantee)' : '';
  return `${KIND_WORDS[kind]} ${formatWithin(target)}${when}${binding}`;
}

function categories(plan: Plan): string[] {
  const out: string[] = [];
  const defaults = plan.defaultTargets ?? {};
  for (const [kind, target] of Object.entries(defaults) as [TargetKind, SlaTarget | undefined][]) {
    if (target) out.push(`Every ticket: ${targetSentence(kind, target)} of registration (R2.4).`);
  }
  for (const flat of flattenCategories(plan.categories)) {
    const own = effectiveTargets(undefined, flat);
    const kinds = (Object.keys(own) as TargetKind[]).filter((k) => own[k] !== defaults[k]);
    const targets = kinds.map((k) => targetSentence(k, own[k]!));
    const head = /^[\d.]+$/.test(flat.category.id)
      ? `${flat.category.id} ${flat.category.name}`
      : flat.category.name;
    const top = flat.category.topPriority ? '; goes ahead of the queue at top priority (R2.6)' : '';
    out.push(
      `${head}: ${targets.length > 0 ? `${targets.join('; ')} (R2.4)` : 'no stated time limit (R2.3)'}${top}.`,
    );
  }
  return out;
}

function queueAndAutomations(plan: Plan): string[] {
  const out: string[] = [];
  out.push(
    plan.queue.order === 'deadline'
      ? 'The queue is worked one by one in deadline order (R2.6).'
      : 'The queue is worked first in, first out.',
  );
  if (plan.queue.topPriorityImpacts.length > 0) {
    out.push(
      `Tickets with impact ${joinWords(plan.queue.topPriorityImpacts)} go ahead of the queue at top priority (R2.6).`,
    );
  }
  const pauses = [
    plan.pauses.waitingOnCustomer ? 'while the ticket waits on the customer' : '',
    plan.pauses.maintenanceWindows ? 'during announced maintenance windows, when there is no support' : '',
  ].filter((p) => p !== '');
  if (pauses.length > 0) out.push(`SLA clocks pause ${joinWords(pauses)} (R2.5).`);
  const a = plan.automations;
  if (a.inactivityClose) {
    out.push(
      `A ticket closes automatically after ${a.inactivityClose.afterDays} days without a public message (R2.7).`,
    );
  }
  if (a.duplicateClose) {
    out.push(
      `When a customer opens a second ticket for the same issue, the ${a.duplicateClose.close} one is closed automatically and linked to the other (text similarity ≥ ${a.duplicateClose.similarityThreshold}) (R2.8).`,
    );
  }
  if (a.oneQuestionPerTicket) {
    out.push(
      a.oneQuestionPerTicket.replyToClosed === 'new-linked-ticket'
        ? 'One question per ticket: a resolved ticket closes, and a reply to a closed ticket opens a new ticket linked to it (R2.9).'
        : 'A resolved ticket closes; a reply reopens it.',
    );
  }
  if (a.flooding) {
    out.push(
      `More than ${a.flooding.maxPosts} posts within ${a.flooding.withinMinutes} minutes are rate-limited and flagged (R1.5).`,
    );
  }
  return out;
}

function eligibility(plan: Plan): string[] {
  const e = plan.eligibility;
  const needs = [
    'an active support contract for the product',
    e.registeredOnDesk ? 'registration on the support desk' : '',
    e.productUpdateMailSubscription
      ? 'a subscription to the product-update mailing list (unsubscribing loses support)'
      : '',
  ].filter((n) => n !== '');
  const out = [`Support requires ${joinWords(needs)} (R1.1).`];
  if (e.platformCompatibility === 'declared-at-purchase') {
    out.push(
      "Support is given only if the customer's platform version was declared compatible at the time of purchase (R1.2).",
    );
  }
  const c = plan.conduct;
  if (c.abuseDetection === 'flag-for-agent') {
    out.push(
      `Abusive language, insults or threats cost the customer the right to ${joinWords(c.abuseRevokes)}; likely abuse is flagged automatically and an agent confirms (R1.3).`,
    );
  }
  if (c.refusalReasons.length > 0) {
    const reasons = c.refusalReasons.map((r) => r.description.toLowerCase());
    out.push(`Support is suspended for: ${reasons.join('; ')} (R1.4).`);
  }
  return out;
}

function budgets(plan: Plan): string[] {
  const names = new Map(flattenCategories(plan.categories).map((f) => [f.category.id, f.category.name]));
  return plan.budgets.map((b) => {
    const agreed = b.requiresPriorEstimateAgreement ? '; the estimate must be agreed in advance' : '';
    const visible = b.visibleToCustomer ? ', and the customer sees what remains' : '';
    const period = b.period === 'month' ? 'month' : 'contract year';
    return `Category ${b.category} (${names.get(b.category) ?? b.category}) is capped at ${b.hours} hours per ${period} per contract${agreed}${visible} (R2.10).`;
  });
}

function lapse(plan: Plan): string[] {
  const l = plan.lapse;
  const words: Record<(typeof l.stops)[number], string> = {
    support: 'support',
    updates: 'updates',
    downloads: 'downloads',
    'new-major-keys': 'new major-version keys',
    features: 'subscription features',
    'backup-downloads': 'backup downloads',
  };
  const verb = l.stops.length === 1 ? 'stops' : 'stop';
  const out = [`When coverage lapses, ${joinWords(l.stops.map((s) => words[s]))} ${verb} (R1.1, R4.3).`];
  if (l.licenseValidationReportsFeaturesOff)
    out.push('The license-validation API then reports the features off (R4.3).');
  if (l.backupRetentionDays)
    out.push(`Configuration backups may be deleted ${l.backupRetentionDays} days after the lapse (R4.3).`);
  if (l.reminderDaysBeforeExpiry.length > 0) {
    out.push(
      `Renewal reminders are sent ${joinWords(l.reminderDaysBeforeExpiry.map(String))} days before expiry.`,
    );
  }
  return out;
}

function refunds(plan: Plan): string[] {
  const r = plan.refunds;
  const tail = 'Refunds are credit notes against the invoice (R5.1).';
  if (r.policy === 'never') return ['The purchase is prepaid and never refundable (R5.1).'];
  if (r.policy === 'until-first-ticket-resolved') {
    return [
      'Once support has resolved the first ticket of a purchase, that purchase is no longer refundable (R5.1).',
      tail,
    ];
  }
  if (r.policy === 'uncorrected-defect') {
    const flat = flattenCategories(plan.categories).find((f) => f.category.id === r.category);
    const target = flat ? effectiveTargets(plan.defaultTargets, flat).resolution : undefined;
    const limit = target ? `within ${formatWithin(target)}` : 'within its resolution target';
    return [
      `A defect in category ${r.category} not corrected ${limit} makes the product's price refundable (R2.4, R5.1).`,
      tail,
    ];
  }
  return ["The plan sets no refund rule; refunds follow the vendor's general terms.", tail];
}

function withoutContract(plan: Plan): string[] {
  const w = plan.withoutContract;
  const out = [
    w.mode === 'refuse'
      ? 'Requests without an active contract are refused (R1.7).'
      : `Requests without an active contract are accepted and billed hourly at ${formatMoney(w.ratePerHour)} per hour (R1.7).`,
  ];
  if (plan.outOfScope.length > 0) {
    out.push(
      `Tickets can be closed as out of scope: ${plan.outOfScope.map((o) => o.description).join('; ')} (R1.6).`,
    );
  }
  return out;
}
