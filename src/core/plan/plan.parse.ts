import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { pathText } from './plan.refine.ts';
import { type Plan, planSchema } from './plan.schema.ts';

export interface PlanError {
  /** The bad field, e.g. categories[2].targets.resolution.within; '' for the document itself. */
  path: string;
  message: string;
  /** 1-based position in the source, when known. */
  line?: number;
  column?: number;
}

export type PlanParseResult = { ok: true; plan: Plan } | { ok: false; errors: PlanError[] };

/**
 * Parses and validates a plan written in YAML (or JSON, which is YAML too), returning every error.
 * Example: parsePlanDocument('key: x') → { ok: false, errors: [{ path: 'schemaVersion', message: … }, …] }
 */
export function parsePlanDocument(text: string, format: 'yaml' | 'json' = 'yaml'): PlanParseResult {
  if (format === 'json') return parseJson(text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: '', message: `YAML syntax: ${firstLine(e.message)}`, line: pos.line, column: pos.col };
      }),
    };
  }
  const locate = (path: readonly PropertyKey[]) => {
    const node = nearestNode(doc, path);
    return node?.range ? lineCounter.linePos(node.range[0]) : undefined;
  };
  return validatePlan(doc.toJS(), locate);
}

/** Validates an already-parsed value (e.g. a JSON body) against the plan schema. */
export function validatePlan(
  value: unknown,
  locate: (path: readonly PropertyKey[]) => { line: number; col: number } | undefined = () => undefined,
): PlanParseResult {
  const result = planSchema.safeParse(value);
  if (result.success) return { ok: true, plan: result.data };
  if (value === null || value === undefined) {
    return {
      ok: false,
      errors: [{ path: '', message: 'the document is empty; expected a plan (a mapping of fields)' }],
    };
  }
  return { ok: false, errors: result.error.issues.flatMap((issue) => toPlanErrors(issue, value, locate)) };
}

function parseJson(text: string): PlanParseResult {
  try {
    return validatePlan(JSON.parse(text));
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: `JSON syntax: ${(error as Error).message}` }] };
  }
}

function toPlanErrors(
  issue: z.core.$ZodIssue,
  input: unknown,
  locate: (path: readonly PropertyKey[]) => { line: number; col: number } | undefined,
): PlanError[] {
  const paths =
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown field' }))
      : [{ path: issue.path, message: describeIssue(issue, input) }];
  return paths.map(({ path, message }) => {
    const pos = locate(path);
    const base = { path: pathText(path), message };
    return pos ? { ...base, line: pos.line, column: pos.col } : base;
  });
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const message = issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '');
  const isMissing =
    issue.code !== 'custom' && issue.path.length > 0 && valueAt(input, issue.path) === undefined;
  return isMissing ? `required field is missing (${message})` : message;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

// The deepest node that exists along the path, so a missing field points at its parent object.
function nearestNode(doc: ReturnType<typeof parseDocument>, path: readonly PropertyKey[]) {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
