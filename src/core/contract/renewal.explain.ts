import type { Term } from '../plan/plan-common.schema.ts';
import { addDays, type CivilDate } from './civil-date.ts';

/** What planRenewal decided, for the sentence a customer and an agent read. */
export interface RenewalStory {
  kind: 'contiguous' | 'backdated' | 'reinstatement' | 'restart' | 'from-now';
  term: Term;
  count: number;
  previousExpiry: CivilDate;
  startsOn: CivilDate;
  serviceFrom: CivilDate;
  serviceRule: 'payment-date' | 'earlier-of-invoice-or-payment' | 'term-start';
  expiresOn: CivilDate;
  forfeitedDays: number;
  needsReinstatementFee: boolean;
  /** Whole terms of a lapse longer than the bought terms can backfill, left uncovered; null when none. */
  leftUncovered: LeftUncoveredStory | null;
}

export interface LeftUncoveredStory {
  startsOn: CivilDate;
  endsOn: CivilDate;
  terms: number;
  maxTerms: number;
  /** Where a renewal of maxTerms would start instead; null when the renewal already buys the maximum. */
  startsOnWithMax: CivilDate | null;
}

/**
 * A renewal in plain words with its dates.
 * @example formatTermLength({ years: 1 }, 2) // '2 years'
 */
export function formatTermLength(term: Term, count: number): string {
  const parts: string[] = [];
  const add = (n: number, unit: string) => {
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  };
  add((term.years ?? 0) * count, 'year');
  add((term.months ?? 0) * count, 'month');
  add((term.days ?? 0) * count, 'day');
  return parts.join(', ');
}

const SERVICE_RULE_WORDS = {
  'payment-date': 'the payment date',
  'earlier-of-invoice-or-payment': 'the earlier of the invoice and payment dates',
  'term-start': 'the term start',
} as const;

/** The explanation planRenewal returns. */
export function explainRenewal(story: RenewalStory): string {
  const length = formatTermLength(story.term, story.count);
  const until = `Covered until ${addDays(story.expiresOn, -1)} (expires ${story.expiresOn}).`;
  switch (story.kind) {
    case 'contiguous':
      return `Renewed for ${length} from the current expiry ${story.startsOn}. ${until}`;
    case 'backdated':
    case 'reinstatement':
      return [
        story.leftUncovered === null
          ? `Coverage expired on ${story.previousExpiry}. The renewal of ${length} is backdated to that date, so coverage stays contiguous and the lapse is paid for;`
          : explainLongLapse(story, story.leftUncovered, length),
        servicePart(story),
        story.needsReinstatementFee ? 'A reinstatement fee is due on top of the renewal (R4.4).' : '',
        until,
      ]
        .filter((s) => s !== '')
        .join(' ');
    case 'restart':
      return `Coverage expired on ${story.previousExpiry}; the renewal of ${length} starts on ${onDate(story)} and the lapse stays uncovered.${movedOn(story, length)} ${until}`;
    case 'from-now': {
      const forfeit =
        story.forfeitedDays > 0
          ? ` The ${story.forfeitedDays} day(s) left of the current term (${story.startsOn} to ${addDays(story.previousExpiry, -1)}) are replaced by the new term.`
          : '';
      return `The renewal of ${length} starts on ${onDate(story)}.${movedOn(story, length)}${forfeit} ${until}`;
    }
  }
}

/** R0.4 + R4.4: a lapse longer than a renewal can backfill (docs/contracts.md "Lapses longer than a renewal"). */
function explainLongLapse(story: RenewalStory, left: LeftUncoveredStory, length: string): string {
  const most = formatTermLength(story.term, left.maxTerms);
  const reach =
    left.startsOnWithMax === null
      ? `a renewal buys at most ${most}, too little to reach back to it,`
      : `the ${length} bought cannot reach back to it (a renewal buys at most ${most}),`;
  const withMax =
    left.startsOnWithMax === null
      ? ''
      : left.startsOnWithMax === left.startsOn
        ? ` Buying ${most} at once would backfill the whole lapse.`
        : ` Buying ${most} at once would backdate it to ${left.startsOnWithMax}.`;
  return [
    `Coverage lapsed on ${left.startsOn};`,
    `${reach} so the renewal is backdated to ${story.startsOn}, ${afterExpiry(story.term, left.terms)};`,
    `${left.startsOn} to ${addDays(left.endsOn, -1)} stays uncovered (neither paid nor served: releases published then are not licensed).${withMax}`,
  ].join(' ');
}

/** Lower-case after the contiguous backdate's ';', a sentence of its own after a long lapse. */
function servicePart(story: RenewalStory): string {
  const lead = story.leftUncovered === null ? 'service' : 'Service';
  const rule = `${story.serviceFrom} (${SERVICE_RULE_WORDS[story.serviceRule]})`;
  if (story.serviceFrom === story.startsOn) return `${lead} resumes on ${rule}, with the term.`;
  return `${lead} resumes on ${rule}, so ${story.startsOn} to ${addDays(story.serviceFrom, -1)} is covered for licensing but gives no service.`;
}

function onDate(story: RenewalStory): string {
  return story.leftUncovered === null ? `the renewal date ${story.startsOn}` : story.startsOn;
}

/** From-now or restarted terms whose service starts after the bought terms would end (edited plans only). */
function movedOn(story: RenewalStory, length: string): string {
  const left = story.leftUncovered;
  if (left === null) return '';
  return ` Service starts on ${story.serviceFrom}, after ${length} from ${left.startsOn} would end, so the term starts ${formatTermLength(story.term, left.terms)} later; ${left.startsOn} to ${addDays(left.endsOn, -1)} is not covered by this renewal.`;
}

/** '1st anniversary of the expiry' for yearly terms, '6 months after the expiry' otherwise. */
function afterExpiry(term: Term, n: number): string {
  const yearly = (term.months ?? 0) === 0 && (term.days ?? 0) === 0 && term.years === 1;
  if (!yearly) return `${formatTermLength(term, n)} after the expiry`;
  return `the ${ordinal(n)} anniversary of the expiry`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
