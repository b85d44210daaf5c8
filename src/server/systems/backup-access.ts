import { addDays, type CivilDate } from '../../core/contract/civil-date.ts';
import { coverageState, coveredUntil, daysLapsed, termOn } from '../../core/contract/coverage.queries.ts';
import type { CoverageTerm, CoveredUntil } from '../../core/contract/coverage.types.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';

// Pure decisions about configuration backups (R4.3, R4.5). They follow `entitled()`'s service rule
// (src/core/contract/entitlement.ts) for a right the plan lists under lapse.stops as 'backup-downloads';
// `entitled()` has no gate for it, so the two small rules live here, beside their only caller.

export type BackupReason =
  | 'COVERED'
  | 'KEPT_AFTER_LAPSE'
  | 'NO_CONTRACT'
  | 'NOT_ENTITLED_BY_PLAN'
  | 'LAPSED'
  | 'NOT_STARTED'
  | 'IN_BACKDATED_GAP';

export type BackupDecision = {
  allowed: boolean;
  reason: BackupReason;
  facts: { at: CivilDate; coveredUntil: CoveredUntil | null; serviceOn: boolean };
};

/**
 * R4.5: may the customer or an agent download the system's backups on day `at`? Only while the
 * subscription gives service — unless the plan keeps backup downloads after lapse.
 * @example backupDownloadDecision(s4, terms, '2027-06-01') // { allowed: false, reason: 'LAPSED', … }
 */
export function backupDownloadDecision(
  plan: Plan | null,
  terms: readonly CoverageTerm[],
  at: CivilDate,
): BackupDecision {
  const term = termOn(terms, at);
  const facts = { at, coveredUntil: coveredUntil(terms), serviceOn: term?.givesService === true };
  const decide = (allowed: boolean, reason: BackupReason): BackupDecision => ({ allowed, reason, facts });
  if (plan === null || terms.length === 0) return decide(false, 'NO_CONTRACT');
  if (!plan.entitlements.configBackups) return decide(false, 'NOT_ENTITLED_BY_PLAN');
  if (term?.givesService) return decide(true, 'COVERED');
  const state = coverageState(terms, at);
  if (!plan.lapse.stops.includes('backup-downloads') && state !== 'not-started') {
    return decide(true, 'KEPT_AFTER_LAPSE');
  }
  if (term) return decide(false, 'IN_BACKDATED_GAP');
  return decide(false, state === 'not-started' ? 'NOT_STARTED' : 'LAPSED');
}

/**
 * R4.3: the backups of a subscription may be deleted once it has been lapsed for MORE than the plan's
 * backupRetentionDays on day `at` (the expiry date is lapsed day 1). Never while covered, before the
 * first term, without a contract, or when the plan sets no retention (keep forever).
 * @example isPastBackupRetention(s4, termsExpiring('2026-01-01'), '2026-04-02') // true (91 days > 90)
 */
export function isPastBackupRetention(plan: Plan, terms: readonly CoverageTerm[], at: CivilDate): boolean {
  const retention = plan.lapse.backupRetentionDays;
  if (retention === undefined || coverageState(terms, at) !== 'lapsed') return false;
  return daysLapsed(terms, at) > retention;
}

/**
 * R4.3: the first day the backups may be deleted, while the subscription is lapsed on `at`; null when it
 * is not lapsed or the plan keeps backups forever. Renewing before that day keeps them.
 * @example backupDeletionDate(s4, termsExpiring('2026-01-01'), '2026-03-20') // '2026-04-01'
 */
export function backupDeletionDate(
  plan: Plan,
  terms: readonly CoverageTerm[],
  at: CivilDate,
): CivilDate | null {
  const retention = plan.lapse.backupRetentionDays;
  if (retention === undefined || coverageState(terms, at) !== 'lapsed') return null;
  return addDays(at, retention - daysLapsed(terms, at) + 1);
}
