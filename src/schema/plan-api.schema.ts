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
