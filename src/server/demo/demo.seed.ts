import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { parsePlanDocument } from '../../core/plan/plan.parse.ts';
import { planContentHash } from '../../core/plan/plan.version.ts';
import { createAccount, findAccountByEmail } from '../auth/accounts.service.ts';
import type { Database } from '../db/database-types.ts';
import { savePlanVersion } from '../db/plan-versions.repository.ts';

export const DEMO_AGENT_EMAIL = 'agent@demo.upkeep.localhost';
const PLANS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../plans');

export type DemoSeedResult = { plansCreated: string[]; agentCreated: boolean };

/**
 * Seeds the demo data; safe to run on every start: a preset already stored with the same content
 * is not stored again (plan versions are content-addressed), the demo agent is created once.
 * The demo agent has no password: demo data to look at, not a login.
 */
export async function seedDemo(db: Kysely<Database>, now: Date): Promise<DemoSeedResult> {
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
  const agentCreated = !(await findAccountByEmail(db, DEMO_AGENT_EMAIL));
  if (agentCreated) {
    await createAccount(db, { email: DEMO_AGENT_EMAIL, name: 'Dana Demo (agent)', role: 'agent' }, now);
  }
  return { plansCreated, agentCreated };
}

// TODO(integration): use listPresets()/loadPlanFile() from src/server/plan/plan-files.ts once it lands.
async function loadPresets() {
  const files = (await readdir(PLANS_DIR)).filter((f) => f.endsWith('.yaml')).sort();
  const plans = [];
  for (const file of files) {
    const result = parsePlanDocument(await readFile(join(PLANS_DIR, file), 'utf8'));
    if (!result.ok)
      throw new Error(`preset ${file} is invalid: ${result.errors[0]?.path} ${result.errors[0]?.message}`);
    plans.push(result.plan);
  }
  return plans;
}
