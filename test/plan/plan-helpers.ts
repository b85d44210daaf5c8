import { readFileSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { parsePlanDocument } from '../../src/core/plan/plan.parse.ts';
import type { Plan } from '../../src/core/plan/plan.schema.ts';

export const PRESET_NAMES = [
  'annual-maintenance',
  'ticket-desk',
  'addon-support',
  'business-sla',
  'per-user-subscription',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export function presetText(name: PresetName): string {
  return readFileSync(new URL(`../../plans/${name}.yaml`, import.meta.url), 'utf8');
}

/** A preset, parsed and validated; fails the test when it is not valid. */
export function loadPreset(name: PresetName): Plan {
  const result = parsePlanDocument(presetText(name));
  if (!result.ok) throw new Error(`${name} invalid: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

/** A preset's raw document with one change applied, as YAML text, for bad-input tests. */
export function editedPreset(name: PresetName, edit: (doc: Record<string, unknown>) => void): string {
  const doc = parseDocument(presetText(name)).toJS() as Record<string, unknown>;
  edit(doc);
  return stringify(doc);
}
