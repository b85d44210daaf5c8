import { z } from 'zod';
import { planObjectSchema } from './plan.schema.ts';

/** The plan document's JSON Schema (draft 2020-12), as published at docs/plan.schema.json. */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planObjectSchema, { io: 'input', target: 'draft-2020-12', cycles: 'ref' });
  return {
    ...schema,
    $id: 'https://upkeep.dev/schemas/plan.schema.json',
    title: 'Upkeep plan document',
    description:
      'A support plan: coverage, renewal, price, entitlements, channels, calendar, SLA targets per category, automations, eligibility, budgets, lapse, refunds (see docs/plans.md). Cross-field rules (unknown categories, duplicate ids, targets needing a calendar) are checked by `upkeep plan validate`.',
  };
}

/** The exact text committed at docs/plan.schema.json. */
export function planJsonSchemaText(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}
