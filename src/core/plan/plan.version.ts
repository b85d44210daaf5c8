import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Plan } from './plan.schema.ts';

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members dropped, so equal plans give
 * equal text whatever the key order of the file they came from.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The content hash of a plan version: `sha256:` + hex of its canonical JSON. A stored version never
 * changes, so the same plan always hashes the same and an edit always yields a new hash.
 * Example: planContentHash(plan) → 'sha256:3f…'
 */
export function planContentHash(plan: Plan): string {
  return `sha256:${sha256Hex(canonicalJson(plan))}`;
}

/**
 * SHA-256 of the UTF-8 bytes of a string, as lowercase hex, via @noble/hashes (audited, pure JS, no
 * dependencies, so core stays free of node:crypto). Example: sha256Hex('abc') → 'ba7816bf…'
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export interface PlanChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Field-level differences between two plan versions (added fields have before: undefined). */
export function diffPlans(before: Plan, after: Plan): PlanChange[] {
  const changes: PlanChange[] = [];
  diffValues(before, after, '', changes);
  return changes;
}

function diffValues(a: unknown, b: unknown, path: string, out: PlanChange[]): void {
  if (canonicalJson(a) === canonicalJson(b)) return;
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) diffValues(a[key], b[key], path === '' ? key : `${path}.${key}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValues(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  out.push({ path, before: a, after: b });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
