import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PlanError, parsePlanDocument } from '../../core/plan/plan.parse.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';

/** Where the shipped presets live: <repo>/plans, found from this file so it works from any cwd. */
export const PRESETS_DIR = fileURLToPath(new URL('../../../plans/', import.meta.url));

export type PlanFileResult =
  | { ok: true; plan: Plan; path: string; text: string }
  | { ok: false; code: 'UNREADABLE'; path: string; message: string }
  | { ok: false; code: 'INVALID_PLAN'; path: string; errors: PlanError[] }
  | { ok: false; code: 'UNKNOWN_PLAN'; path: string; message: string; presets: string[] };

/** Reads and validates one plan file (YAML, or JSON when the name ends in .json). */
export async function loadPlanFile(path: string): Promise<PlanFileResult> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, code: 'UNREADABLE', path: absolute, message: `cannot read ${path} (${reason})` };
  }
  const parsed = parsePlanDocument(text, extname(absolute) === '.json' ? 'json' : 'yaml');
  if (!parsed.ok) return { ok: false, code: 'INVALID_PLAN', path: absolute, errors: parsed.errors };
  return { ok: true, plan: parsed.plan, path: absolute, text };
}

export interface PresetEntry {
  /** The preset name: its file name without .yaml, e.g. business-sla. */
  name: string;
  path: string;
  result: PlanFileResult;
}

/** Every preset in plans/*.yaml, sorted by name, each loaded and validated. */
export async function listPresets(dir: string = PRESETS_DIR): Promise<PresetEntry[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      return { name: basename(file, '.yaml'), path, result: await loadPlanFile(path) };
    }),
  );
}

/**
 * Loads a plan named either by preset name (business-sla) or by file path (./my-plan.yaml).
 * A path is anything that exists on disk or has a plan file extension.
 */
export async function loadPlanRef(ref: string, dir: string = PRESETS_DIR): Promise<PlanFileResult> {
  if (existsSync(ref) || /\.(ya?ml|json)$/i.test(ref) || ref.includes('/')) return loadPlanFile(ref);
  const presetPath = join(dir, `${ref}.yaml`);
  if (existsSync(presetPath)) return loadPlanFile(presetPath);
  const presets = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml'));
  const message = `unknown plan "${ref}": not a file, and no preset of that name (presets: ${presets.join(', ')})`;
  return { ok: false, code: 'UNKNOWN_PLAN', path: ref, message, presets };
}
