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
        `Coverage expired on ${story.previousExpiry}.`,
        `The renewal of ${length} is backdated to that date, so coverage stays contiguous and the lapse is paid for;`,
        `service resumes on ${story.serviceFrom} (${SERVICE_RULE_WORDS[story.serviceRule]}),`,
        `so ${story.startsOn} to ${addDays(story.serviceFrom, -1)} is covered for licensing but gives no service.`,
        story.needsReinstatementFee ? 'A reinstatement fee is due on top of the renewal (R4.4).' : '',
        until,
      ]
        .filter((s) => s !== '')
        .join(' ');
    case 'restart':
      return `Coverage expired on ${story.previousExpiry}; the renewal of ${length} starts on the renewal date ${story.startsOn} and the lapse stays uncovered. ${until}`;
    case 'from-now': {
      const forfeit =
        story.forfeitedDays > 0
          ? ` The ${story.forfeitedDays} day(s) left of the current term (${story.startsOn} to ${addDays(story.previousExpiry, -1)}) are replaced by the new term.`
          : '';
      return `The renewal of ${length} starts on the renewal date ${story.startsOn}.${forfeit} ${until}`;
    }
  }
}
