import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { addDays, civilDateIn, compareCivilDates } from '../../core/contract/civil-date.ts';
import { coveredUntil, daysLapsed, isCoveredOn } from '../../core/contract/coverage.queries.ts';
import type { CoverageTerm } from '../../core/contract/coverage.types.ts';
import type {
  DaysReportQuery,
  LapsedReport,
  RenewalsDueReport,
  ReportContract,
} from '../../schema/reports.schema.ts';
import { isNotRefunded } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';

// Renewals due and lapsed contracts (docs/reports.md): coverage is computed from the stored terms by
// the contract core (coveredUntil, isCoveredOn), never from a stored expiry. Refunded terms are skipped
// as everywhere coverage is read (isNotRefunded).

type Candidate = ReportContract & { terms: CoverageTerm[] };

/**
 * Contracts that have a (not refunded) term ending in [from, to]: a superset of those whose coverage
 * ends there, because a contract's expiry is always the end of one of its terms.
 */
async function contractsWithTermEndingIn(
  db: Kysely<Database>,
  from: string,
  to: string,
): Promise<Candidate[]> {
  const contracts = await db
    .selectFrom('contracts')
    .innerJoin('organisations', 'organisations.id', 'contracts.organisation_id')
    .innerJoin('products', 'products.id', 'contracts.product_id')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select([
      'contracts.id',
      'contracts.organisation_id',
      'organisations.name as organisation_name',
      'contracts.product_id',
      'products.name as product_name',
      'plan_versions.plan_key',
    ])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('coverage_terms')
          .select('coverage_terms.id')
          .whereRef('coverage_terms.contract_id', '=', 'contracts.id')
          .where('coverage_terms.ends_on', '>=', from)
          .where('coverage_terms.ends_on', '<=', to)
          .where(isNotRefunded),
      ),
    )
    .orderBy('contracts.id')
    .execute();
  if (contracts.length === 0) return [];
  const termRows = await db
    .selectFrom('coverage_terms')
    .select(['contract_id', 'kind', 'starts_on', 'ends_on', 'gives_service'])
    .where(
      'contract_id',
      'in',
      contracts.map((c) => c.id),
    )
    .where(isNotRefunded)
    .orderBy('contract_id')
    .orderBy('seq')
    .execute();
  const terms = new Map<string, CoverageTerm[]>();
  for (const r of termRows) {
    const list = terms.get(r.contract_id) ?? [];
    list.push({ kind: r.kind, startsOn: r.starts_on, endsOn: r.ends_on, givesService: r.gives_service });
    terms.set(r.contract_id, list);
  }
  return contracts.map((c) => ({
    contractId: c.id,
    organisationId: c.organisation_id,
    organisationName: c.organisation_name,
    productId: c.product_id,
    productName: c.product_name,
    planKey: c.plan_key,
    expiresOn: '',
    lastCoveredDay: '',
    terms: terms.get(c.id) ?? [],
  }));
}

const byExpiry = (a: ReportContract, b: ReportContract) =>
  compareCivilDates(a.expiresOn, b.expiresOn) || a.contractId.localeCompare(b.contractId);

/** Strips the terms and fills the expiry; undefined when the contract has no coverage at all. */
function withExpiry(c: Candidate): ReportContract | undefined {
  const until = coveredUntil(c.terms);
  if (until === null) return undefined;
  const { terms: _terms, ...rest } = c;
  return { ...rest, expiresOn: until.expiresOn, lastCoveredDay: until.lastCoveredDay };
}

/** The Monday of a civil date's ISO week. */
const mondayOf = (date: string) => addDays(date, 1 - Temporal.PlainDate.from(date).dayOfWeek);

/**
 * Renewals due: contracts covered today whose coverage expires (first uncovered day) in
 * [today + 1, today + days], grouped by the week of the expiry; every week of the window is listed.
 */
export async function renewalsDueReport(
  db: Kysely<Database>,
  query: DaysReportQuery,
  now: Date,
): Promise<RenewalsDueReport> {
  const today = civilDateIn(now, query.timeZone);
  const from = addDays(today, 1);
  const until = addDays(today, query.days);
  const due = (await contractsWithTermEndingIn(db, from, until))
    .filter((c) => isCoveredOn(c.terms, today))
    .map(withExpiry)
    .filter((c): c is ReportContract => c !== undefined)
    .filter((c) => compareCivilDates(c.expiresOn, from) >= 0 && compareCivilDates(c.expiresOn, until) <= 0)
    .sort(byExpiry);
  const weeks: RenewalsDueReport['weeks'] = [];
  for (let week = mondayOf(from); compareCivilDates(week, until) <= 0; week = addDays(week, 7)) {
    const next = addDays(week, 7);
    const contracts = due.filter(
      (c) => compareCivilDates(c.expiresOn, week) >= 0 && compareCivilDates(c.expiresOn, next) < 0,
    );
    weeks.push({ weekStartsOn: week, count: contracts.length, contracts });
  }
  return { today, until, total: due.length, weeks };
}

/**
 * Lapsed and not renewed: contracts not covered today whose coverage expired in
 * [today - days + 1, today] (a renewed contract expires later, so it is not among them), grouped by
 * the month of the expiry; every month of the window is listed.
 */
export async function lapsedReport(
  db: Kysely<Database>,
  query: DaysReportQuery,
  now: Date,
): Promise<LapsedReport> {
  const today = civilDateIn(now, query.timeZone);
  const since = addDays(today, 1 - query.days);
  const lapsed = (await contractsWithTermEndingIn(db, since, today))
    .filter((c) => !isCoveredOn(c.terms, today))
    .map((c) => {
      const contract = withExpiry(c);
      return contract && { ...contract, daysLapsed: daysLapsed(c.terms, today) };
    })
    .filter((c) => c !== undefined)
    .filter((c) => compareCivilDates(c.expiresOn, since) >= 0 && compareCivilDates(c.expiresOn, today) <= 0)
    .sort(byExpiry);
  const months: LapsedReport['months'] = [];
  const last = Temporal.PlainDate.from(today).toPlainYearMonth();
  for (
    let ym = Temporal.PlainDate.from(since).toPlainYearMonth();
    Temporal.PlainYearMonth.compare(ym, last) <= 0;
    ym = ym.add({ months: 1 })
  ) {
    const month = ym.toString();
    const contracts = lapsed.filter((c) => c.expiresOn.startsWith(`${month}-`));
    months.push({ month, count: contracts.length, contracts });
  }
  return { today, since, total: lapsed.length, months };
}
