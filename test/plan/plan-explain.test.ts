import { describe, expect, it } from 'vitest';
import { explainPlan, formatExplanation } from '../../src/core/plan/plan.explain.ts';
import { loadPreset, type PresetName } from './plan-helpers.ts';

const text = (name: PresetName) => formatExplanation(explainPlan(loadPreset(name)));

describe('explain reads like the seed', () => {
  const cases: [PresetName, string][] = [
    ['annual-maintenance', 'Support and maintenance runs for 1 year from the purchase date (R0.1).'],
    [
      'annual-maintenance',
      'A renewal after expiry is backdated to the old expiry date; service resumes from the payment date (R0.4).',
    ],
    [
      'annual-maintenance',
      'The renewal price depends on the product category (R0.5): standard 49.00 USD, professional 99.00 USD and enterprise 199.00 USD per year.',
    ],
    [
      'annual-maintenance',
      'While covered, each new major version gets a new license key, issued and emailed automatically (R0.3).',
    ],
    ['annual-maintenance', 'Support request: first answer within 24 hours (calendar time) (R2.4).'],
    ['ticket-desk', 'Technical support runs for 6 months from the purchase date (R0.1).'],
    [
      'annual-maintenance',
      'There is no service calendar: every target counts calendar time, nights, weekends and holidays included (R2.4).',
    ],
    [
      'ticket-desk',
      'Email to the support address gets an automatic answer pointing to the portal and creates no ticket (R2.1).',
    ],
    ['ticket-desk', 'Product question: first answer within 2 working days (a target, not a guarantee)'],
    ['ticket-desk', 'A ticket closes automatically after 8 days without a public message (R2.7).'],
    [
      'ticket-desk',
      'Once support has resolved the first ticket of a purchase, that purchase is no longer refundable (R5.1).',
    ],
    [
      'addon-support',
      "Each renewal costs 30% of the product's list price at purchase, ignoring any discount applied (R0.5)",
    ],
    [
      'addon-support',
      "A defect in category anomaly not corrected within 30 working days makes the product's price refundable (R2.4, R5.1).",
    ],
    ['ticket-desk', 'Support is free: a renewal costs nothing (R0.5).'],
    ['ticket-desk', 'Minor and major updates do not end with the support term.'],
    [
      'per-user-subscription',
      'A renewal after expiry is backdated to the old expiry date; service resumes from the invoice date or the payment date, whichever is earlier (R0.4, R4.2).',
    ],
    ['addon-support', 'Anomaly of the add-on: resolution within 30 working days (R2.4).'],
    [
      'addon-support',
      "Support is given only if the customer's platform version was declared compatible at the time of purchase (R1.2).",
    ],
    [
      'business-sla',
      'Service hours are Monday–Friday 09:00–18:00 (Europe/Moscow), closed on RU public holidays (R2.4).',
    ],
    [
      'business-sla',
      'A working day is 9 hours of working time: N working days = N × 9 hours, counted from registration (R2.4).',
    ],
    [
      'business-sla',
      'Every ticket: a responsible engineer is appointed within 1 working hour of registration (R2.4).',
    ],
    [
      'business-sla',
      '3.4 Incidents not caused by software errors (OS settings, configuration): resolution within 5 working days when the impact is complete-inoperability (R2.4).',
    ],
    [
      'business-sla',
      'Category 2.4 (Small functional changes agreed in advance) is capped at 10 hours per month per contract',
    ],
    [
      'per-user-subscription',
      'Support and maintenance runs for 1 year from the invoice date or the payment date, whichever is earlier (R4.2).',
    ],
    ['per-user-subscription', 'Phone support is limited to 5 incidents per contract year (R2.1).'],
    [
      'per-user-subscription',
      'Reinstating a lapsed subscription costs a reinstatement fee of 150.00 USD plus the renewal (R4.4).',
    ],
    ['per-user-subscription', 'The purchase is prepaid and never refundable (R5.1).'],
    [
      'per-user-subscription',
      'Requests without an active contract are accepted and billed hourly at 150.00 USD per hour (R1.7).',
    ],
  ];
  it.each(cases)('%s says: %s', (name, sentence) => {
    expect(text(name)).toContain(sentence);
  });

  const never: [string, PresetName, string][] = [
    ['S1 "Technical support is free": no renewal price (R0.5)', 'ticket-desk', 'per 6 months'],
    ['S1 "Technical support is free": nothing to pay in advance (R0.5)', 'ticket-desk', 'Payment is made'],
    [
      'S1 "NO technical support via email or phone": no email tickets (R2.1)',
      'ticket-desk',
      'opens or answers a ticket',
    ],
    ['S1 "NO technical support via email or phone": no phone (R2.1)', 'ticket-desk', 'Phone support is'],
    [
      'S1 "valid for a period of 6 months" is support only, not maintenance (R0.1)',
      'ticket-desk',
      'maintenance runs',
    ],
    [
      'S0 states no support hours: a 24 h calendar-time target is not 24/7 support (R2.4)',
      'annual-maintenance',
      'around the clock',
    ],
    [
      'S1 "valid for a period of 6 months" is support only: updates are not cut off (R0.8)',
      'ticket-desk',
      'later ones cannot',
    ],
    [
      'S4 R4.2: service does not wait for payment when the invoice is earlier (R0.4)',
      'per-user-subscription',
      'service resumes from the payment date',
    ],
  ];
  it.each(never)('%s', (_rule, name, fragment) => {
    expect(text(name)).not.toContain(fragment);
  });

  it('groups sentences by section and cites a rule in most of them', () => {
    const explanation = explainPlan(loadPreset('business-sla'));
    expect(explanation.sections.map((s) => s.heading)).toContain('Ticket categories and SLA targets');
    const sentences = explanation.sections.flatMap((s) => s.sentences);
    const cited = sentences.filter((s) => /\(R\d\.\d+/.test(s) || /R\d\.\d+\)/.test(s));
    expect(cited.length / sentences.length).toBeGreaterThan(0.7);
  });
});
