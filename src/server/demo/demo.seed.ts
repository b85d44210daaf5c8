import type { Kysely } from 'kysely';
import type { Plan } from '../../core/plan/plan.schema.ts';
import { planContentHash } from '../../core/plan/plan.version.ts';
import { createAccount, findAccountByEmail } from '../auth/accounts.service.ts';
import type { Database } from '../db/database-types.ts';
import { savePlanVersion } from '../db/plan-versions.repository.ts';
import { listPresets } from '../plan/plan-files.ts';

export const DEMO_AGENT_EMAIL = 'agent@demo.upkeep.localhost';

export type DemoSeedResult = { plansCreated: string[]; agentCreated: boolean };

/**
 * Stores the five shipped preset plans as plan versions; run on every start, so a fresh install can
 * sell products under them. Safe to repeat: a preset already stored with the same content is not
 * stored again (plan versions are content-addressed). Returns the keys of the presets it stored.
 */
export async function storePresetPlans(db: Kysely<Database>): Promise<string[]> {
  const plansCreated: string[] = [];
  for (const plan of await loadPresets()) {
    const saved = await savePlanVersion(db, {
      key: plan.key,
      name: plan.name,
      document: plan,
      contentHash: planContentHash(plan),
    });
    if (saved.created) plansCreated.push(plan.key);
  }
  return plansCreated;
}

/** Seeds the preset plans and the demo agent (created once; no password: demo data to look at). */
export async function seedDemo(db: Kysely<Database>, now: Date): Promise<DemoSeedResult> {
  const plansCreated = await storePresetPlans(db);
  const agentCreated = !(await findAccountByEmail(db, DEMO_AGENT_EMAIL));
  if (agentCreated) {
    await createAccount(db, { email: DEMO_AGENT_EMAIL, name: 'Dana Demo (agent)', role: 'agent' }, now);
  }
  return { plansCreated, agentCreated };
}

async function loadPresets(): Promise<Plan[]> {
  return (await listPresets()).map(({ name, result }) => {
    if (result.ok) return result.plan;
    const reason =
      result.code === 'INVALID_PLAN'
        ? `${result.errors[0]?.path}: ${result.errors[0]?.message}`
        : result.message;
    throw new Error(`preset ${name} cannot be seeded: ${reason}`);
  });
}
