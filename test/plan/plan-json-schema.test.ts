import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { planJsonSchema, planJsonSchemaText } from '../../src/core/plan/plan.json-schema.ts';
import { PRESET_NAMES, presetText } from './plan-helpers.ts';

describe('docs/plan.schema.json', () => {
  it('is up to date with the zod schema (run npm run plan:schema)', () => {
    const committed = readFileSync(new URL('../../docs/plan.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(planJsonSchemaText());
  });

  // ajv and ajv-formats come with fastify; it checks that the published schema accepts what the zod schema accepts.
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(planJsonSchema());

  it.each(PRESET_NAMES)('accepts the %s preset', (name) => {
    const ok = validate(parseDocument(presetText(name)).toJS());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a negative duration and an unknown field', () => {
    const doc = parseDocument(presetText('business-sla')).toJS();
    doc.defaultTargets.assignment.within = '-1h';
    doc.surprise = true;
    expect(validate(doc)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    expect(paths).toContain('/defaultTargets/assignment/within pattern');
    expect(paths).toContain(' additionalProperties');
  });
});
