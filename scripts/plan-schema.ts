// Writes docs/plan.schema.json from the zod plan schema: `npm run plan:schema`.
import { writeFileSync } from 'node:fs';
import { planJsonSchemaText } from '../src/core/plan/plan.json-schema.ts';

const target = new URL('../docs/plan.schema.json', import.meta.url);
writeFileSync(target, planJsonSchemaText());
process.stdout.write(`wrote ${target.pathname}\n`);
