import { z } from 'zod';

export const PlanVersionSummarySchema = z
  .object({
    key: z.string(),
    name: z.string(),
    version: z.number().int().min(1),
    contentHash: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PlanVersionSummary' });

export const PlanVersionDetailSchema = PlanVersionSummarySchema.extend({
  document: z
    .record(z.string(), z.unknown())
    .describe('The stored plan document (see docs/plan.schema.json).'),
  explain: z.string().describe('The plan in plain sentences, to hold against published support terms.'),
}).meta({ id: 'PlanVersionDetail' });

export const PlanKeyParamsSchema = z.object({ key: z.string().min(1).max(64) });

export const PlanErrorSchema = z.object({
  path: z
    .string()
    .describe("The bad field, e.g. `categories[2].targets.resolution.within`; '' for the whole document."),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

export const PlanValidResultSchema = z.object({
  valid: z.literal(true),
  key: z.string(),
  name: z.string(),
  contentHash: z.string(),
});

/** The answer of `POST /v1/plans`: the stored version (201), or the latest when nothing changed (200). */
export const PlanStoredSchema = PlanVersionDetailSchema.extend({
  created: z
    .boolean()
    .describe('true: a new version was stored (201); false: the document equals the latest version (200).'),
}).meta({ id: 'PlanStored' });

const CalendarDateSchema = z.iso.date({ message: 'expected a date YYYY-MM-DD' });

/** The longest range `GET /v1/plans/:key/calendar` answers (two years of holidays and windows). */
export const PLAN_CALENDAR_MAX_DAYS = 731;

export const PlanCalendarQuerySchema = z.object({
  from: CalendarDateSchema.optional().describe(
    'First local date (inclusive); default today in the plan’s zone.',
  ),
  to: CalendarDateSchema.optional().describe(
    `Last local date (inclusive); default 12 months after \`from\`. At most ${PLAN_CALENDAR_MAX_DAYS} days.`,
  ),
});

export const PlanCalendarSchema = z
  .object({
    key: z.string(),
    version: z.number().int(),
    from: z.string(),
    to: z.string(),
    calendar: z
      .object({
        timeZone: z.string(),
        workingDayLength: z.string().describe('One working day in words, e.g. "8 hours".'),
        week: z
          .array(z.object({ day: z.string(), hours: z.array(z.string()) }))
          .describe(
            'Monday first; `hours` are the working intervals, the gaps between them breaks; [] = closed.',
          ),
        holidaySource: z
          .object({
            country: z.string(),
            region: z.string().nullable(),
            subregion: z.string().nullable(),
            types: z.array(z.string()),
          })
          .nullable()
          .describe('Where public holidays come from (date-holidays); null when the plan names none.'),
        holidays: z
          .array(
            z.object({ date: z.string(), name: z.string(), type: z.string(), hours: z.array(z.string()) }),
          )
          .describe(
            'Public holidays in the range; `hours` are the working hours left that day ([] = closed).',
          ),
        exceptions: z
          .array(z.object({ date: z.string(), name: z.string().nullable(), hours: z.array(z.string()) }))
          .describe("The plan's dated exceptions in the range (they win over holidays)."),
        maintenanceWindows: z
          .array(z.object({ start: z.string(), end: z.string(), reason: z.string().nullable() }))
          .describe('Closures (announced maintenance windows) overlapping the range.'),
        maintenancePausesClocks: z.boolean().describe('The plan stops SLA clocks during the windows (R2.5).'),
      })
      .nullable()
      .describe('null when the plan has no business calendar (its targets run in calendar time).'),
  })
  .meta({ id: 'PlanCalendar' });
