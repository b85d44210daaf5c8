import { z } from 'zod';
import { isKnownTimeZone } from '../core/calendar/calendar.schema.ts';

/**
 * Staff reports behind the console's dashboards (issue 6 §5; docs/reports.md). Months are calendar
 * months in `timeZone` (an IANA zone, default UTC); civil dates are the contracts' own dates.
 */

export const REPORT_MONTHS_MAX = 36;
export const REPORT_DAYS_MAX = 366;

const TimeZoneQuery = z
  .string()
  .max(64)
  .refine(isKnownTimeZone, { message: 'expected an IANA time zone such as Europe/Berlin or UTC' })
  .default('UTC')
  .describe('IANA time zone the months are counted in (default UTC).');

const monthsQuery = z.coerce
  .number()
  .int()
  .min(1)
  .max(REPORT_MONTHS_MAX)
  .default(12)
  .describe(`How many calendar months, the current one included: 1–${REPORT_MONTHS_MAX} (default 12).`);

const daysQuery = (what: string) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(REPORT_DAYS_MAX)
    .default(90)
    .describe(`${what}: 1–${REPORT_DAYS_MAX} days (default 90).`);

const month = z.string().describe('A calendar month YYYY-MM.');
const civilDate = z.string().describe('A civil date YYYY-MM-DD.');
const minor = z.number().int().describe('Integer minor units of the currency.');

export const SLA_METRICS = ['assignment', 'firstResponse', 'nextResponse', 'resolution'] as const;

export const SlaComplianceQuerySchema = z.object({
  months: monthsQuery,
  timeZone: TimeZoneQuery,
  metric: z.enum(SLA_METRICS).optional().describe('Only this SLA metric; all metrics when omitted.'),
});
export type SlaComplianceQuery = z.infer<typeof SlaComplianceQuerySchema>;

export const SlaComplianceReportSchema = z
  .object({
    timeZone: z.string(),
    months: z.array(month).describe('The months of the report, oldest first.'),
    rows: z.array(
      z.object({
        month,
        categoryId: z.string(),
        metric: z.enum(SLA_METRICS),
        met: z.number().int().describe('Clocks that stopped this month within their target.'),
        breached: z.number().int().describe('Clocks that stopped this month after their target.'),
      }),
    ),
  })
  .meta({ id: 'SlaComplianceReport' });
export type SlaComplianceReport = z.infer<typeof SlaComplianceReportSchema>;

export const BACKLOG_BUCKETS = ['<1d', '1-3d', '3-7d', '7-30d', '>30d'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const BacklogReportSchema = z
  .object({
    asOf: z.iso.datetime(),
    total: z.number().int(),
    buckets: z.array(
      z.object({
        bucket: z.enum(BACKLOG_BUCKETS).describe('Age since the ticket was opened.'),
        total: z.number().int(),
        byPriority: z.object({
          low: z.number().int(),
          normal: z.number().int(),
          high: z.number().int(),
          urgent: z.number().int(),
        }),
      }),
    ),
  })
  .meta({ id: 'BacklogReport' });
export type BacklogReport = z.infer<typeof BacklogReportSchema>;

export const DaysReportQuerySchema = (what: string) =>
  z.object({ days: daysQuery(what), timeZone: TimeZoneQuery });
export const RenewalsDueQuerySchema = DaysReportQuerySchema('How far ahead to look');
export const LapsedQuerySchema = DaysReportQuerySchema('How far back to look');
export type DaysReportQuery = z.infer<typeof RenewalsDueQuerySchema>;

const ReportContractSchema = z.object({
  contractId: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
  productId: z.string(),
  productName: z.string(),
  planKey: z.string(),
  expiresOn: civilDate.describe('The first day without coverage (the half-open end).'),
  lastCoveredDay: civilDate,
});
export type ReportContract = z.infer<typeof ReportContractSchema>;

export const RenewalsDueReportSchema = z
  .object({
    today: civilDate,
    until: civilDate.describe('The last expiry date included: today + days.'),
    total: z.number().int(),
    weeks: z.array(
      z.object({
        weekStartsOn: civilDate.describe('The Monday of the week the coverage expires in.'),
        count: z.number().int(),
        contracts: z.array(ReportContractSchema),
      }),
    ),
  })
  .meta({ id: 'RenewalsDueReport' });
export type RenewalsDueReport = z.infer<typeof RenewalsDueReportSchema>;

export const LapsedReportSchema = z
  .object({
    today: civilDate,
    since: civilDate.describe('The earliest expiry date included: today - days + 1.'),
    total: z.number().int(),
    months: z.array(
      z.object({
        month,
        count: z.number().int(),
        contracts: z.array(ReportContractSchema.extend({ daysLapsed: z.number().int() })),
      }),
    ),
  })
  .meta({ id: 'LapsedReport' });
export type LapsedReport = z.infer<typeof LapsedReportSchema>;

export const RevenueQuerySchema = z.object({ months: monthsQuery, timeZone: TimeZoneQuery });
export type RevenueQuery = z.infer<typeof RevenueQuerySchema>;

const RevenueMonthSchema = z.object({
  month,
  invoiceCount: z.number().int(),
  invoicedMinor: minor.describe('Invoice totals (tax included) issued this month.'),
  taxMinor: minor.describe('The tax in those totals.'),
  creditedMinor: minor.describe('Credit notes (refunds) issued this month.'),
  paidMinor: minor.describe('Payments received this month.'),
});
export type RevenueMonth = z.infer<typeof RevenueMonthSchema>;

export const RevenueReportSchema = z
  .object({
    timeZone: z.string(),
    months: z.array(month),
    currencies: z
      .array(
        z.object({
          currency: z.string(),
          months: z.array(RevenueMonthSchema),
          totals: RevenueMonthSchema.omit({ month: true }),
        }),
      )
      .describe('One series per currency: amounts in different currencies are never added.'),
  })
  .meta({ id: 'RevenueReport' });
export type RevenueReport = z.infer<typeof RevenueReportSchema>;
