import type { z } from 'zod';
import { flattenCategories } from './plan.categories.ts';
import type { Plan } from './plan.schema.ts';
import type { Money } from './plan-common.schema.ts';
import type { SlaTargets } from './plan-desk.schema.ts';
import { targetKinds } from './plan-desk.schema.ts';
import { parseSlaWithin } from './sla-within.ts';

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** Cross-field rules of a plan; each issue carries the path of the field to fix. */
export function checkPlanConsistency(plan: Plan, ctx: Ctx): void {
  checkCategories(plan, ctx);
  checkTargets(plan.defaultTargets, ['defaultTargets'], plan, ctx);
  checkCategoryReferences(plan, ctx);
  checkMoney(plan, ctx);
  checkChannels(plan, ctx);
}

function issue(ctx: Ctx, path: Path, message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

function checkCategories(plan: Plan, ctx: Ctx): void {
  const seen = new Map<string, string>();
  for (const flat of flattenCategories(plan.categories)) {
    const where = pathText(flat.path);
    const first = seen.get(flat.category.id);
    if (first)
      issue(ctx, [...flat.path, 'id'], `duplicate category id "${flat.category.id}" (also at ${first})`);
    else seen.set(flat.category.id, where);
    checkTargets(flat.category.targets, [...flat.path, 'targets'], plan, ctx);
  }
}

function checkTargets(targets: SlaTargets | undefined, path: Path, plan: Plan, ctx: Ctx): void {
  for (const kind of targetKinds) {
    const target = targets?.[kind];
    if (!target) continue;
    const parsed = parseSlaWithin(target.within);
    if (parsed.ok && parsed.kind === 'working-days' && target.clock === 'calendar') {
      issue(ctx, [...path, kind, 'clock'], 'working days (wd) need clock: working');
    }
    if (target.clock === 'working' && !plan.calendar) {
      issue(ctx, [...path, kind, 'clock'], 'a working-time target needs a plan calendar (add calendar:)');
    }
  }
}

function checkCategoryReferences(plan: Plan, ctx: Ctx): void {
  const ids = new Set(flattenCategories(plan.categories).map((f) => f.category.id));
  const known = [...ids].join(', ');
  plan.budgets.forEach((budget, i) => {
    if (!ids.has(budget.category)) {
      issue(ctx, ['budgets', i, 'category'], `unknown category "${budget.category}"; known: ${known}`);
    }
  });
  if (plan.refunds.policy === 'uncorrected-defect' && !ids.has(plan.refunds.category)) {
    issue(ctx, ['refunds', 'category'], `unknown category "${plan.refunds.category}"; known: ${known}`);
  }
}

function moneyFields(plan: Plan): [Path, Money][] {
  const fields: [Path, Money][] = [];
  const price = plan.price;
  if (price.rule === 'category-table') {
    price.categories.forEach((c, i) => {
      fields.push([['price', 'categories', i, 'pricePerTerm'], c.pricePerTerm]);
    });
  }
  if (price.rule === 'per-user') fields.push([['price', 'pricePerUserPerMonth'], price.pricePerUserPerMonth]);
  if (plan.payment.reinstatementFee)
    fields.push([['payment', 'reinstatementFee'], plan.payment.reinstatementFee]);
  if (plan.withoutContract.mode === 'hourly') {
    fields.push([['withoutContract', 'ratePerHour'], plan.withoutContract.ratePerHour]);
  }
  return fields;
}

function checkMoney(plan: Plan, ctx: Ctx): void {
  for (const [path, money] of moneyFields(plan)) {
    if (money.currency !== plan.currency) {
      issue(ctx, [...path, 'currency'], `expected the plan currency ${plan.currency}, got ${money.currency}`);
    }
  }
}

function checkChannels(plan: Plan, ctx: Ctx): void {
  const { channels } = plan;
  if (channels.phone.incidentsPerContractYear !== undefined && !channels.phone.enabled) {
    issue(ctx, ['channels', 'phone', 'incidentsPerContractYear'], 'a phone quota needs phone enabled: true');
  }
  if (channels.email === 'pointer-to-portal' && !channels.portal) {
    issue(ctx, ['channels', 'email'], 'pointer-to-portal needs portal: true');
  }
}

/** Renders a path the way errors show it: categories[2].targets.resolution.within */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
