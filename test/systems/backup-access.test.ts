import { describe, expect, it } from 'vitest';
import type { CoverageTerm } from '../../src/core/contract/coverage.types.ts';
import type { Plan } from '../../src/core/plan/plan.schema.ts';
import {
  backupDeletionDate,
  backupDownloadDecision,
  isPastBackupRetention,
} from '../../src/server/systems/backup-access.ts';
import { PRESET, presetPlan } from '../support/commerce-fixtures.ts';

const term = (startsOn: string, endsOn: string, givesService = true): CoverageTerm => ({
  kind: givesService ? 'renewal' : 'backdated-gap',
  startsOn,
  endsOn,
  givesService,
});
const YEAR_2026 = [{ ...term('2026-01-01', '2027-01-01'), kind: 'initial' as const }];

describe('backup downloads and retention (pure)', async () => {
  const s4 = await presetPlan(PRESET.S4);
  const keepsBackups: Plan = { ...s4, lapse: { ...s4.lapse, stops: ['support', 'updates'] } };
  const noBackups: Plan = { ...s4, entitlements: { ...s4.entitlements, configBackups: false } };
  const noRetention: Plan = { ...s4, lapse: { ...s4.lapse, backupRetentionDays: undefined } };

  it.each([
    ['R4.5 (S4) covered', s4, YEAR_2026, '2026-06-01', true, 'COVERED'],
    ['R4.5 (S4) last covered day', s4, YEAR_2026, '2026-12-31', true, 'COVERED'],
    ['R4.3 (S4) expiry day is lapsed', s4, YEAR_2026, '2027-01-01', false, 'LAPSED'],
    ['R4.5 (S4) before the first term', s4, YEAR_2026, '2025-12-31', false, 'NOT_STARTED'],
    [
      'R0.4 (S4) backdated gap gives no service',
      s4,
      [...YEAR_2026, term('2027-01-01', '2027-03-01', false), term('2027-03-01', '2028-01-01')],
      '2027-02-01',
      false,
      'IN_BACKDATED_GAP',
    ],
    [
      'a plan that keeps backup downloads after lapse',
      keepsBackups,
      YEAR_2026,
      '2027-06-01',
      true,
      'KEPT_AFTER_LAPSE',
    ],
    ['a plan without config backups', noBackups, YEAR_2026, '2026-06-01', false, 'NOT_ENTITLED_BY_PLAN'],
    ['no contract', null, [], '2026-06-01', false, 'NO_CONTRACT'],
  ] as const)('%s', (_name, plan, terms, at, allowed, reason) => {
    const decision = backupDownloadDecision(plan, terms, at);
    expect(decision).toMatchObject({ allowed, reason, facts: { at } });
  });

  it.each([
    ['R4.3 (S4) active: never', s4, YEAR_2026, '2026-12-31', false],
    ['R4.3 (S4) lapsed day 90 (= retention): kept', s4, YEAR_2026, '2027-03-31', false],
    ['R4.3 (S4) lapsed day 91 (> 90): deletable', s4, YEAR_2026, '2027-04-01', true],
    [
      'R4.3 (S4) renewed after a long lapse: kept',
      s4,
      [...YEAR_2026, term('2028-01-01', '2029-01-01')],
      '2028-02-01',
      false,
    ],
    ['R4.3 a plan with no retention keeps backups forever', noRetention, YEAR_2026, '2030-01-01', false],
    ['R4.3 not started', s4, YEAR_2026, '2025-01-01', false],
  ] as const)('%s', (_name, plan, terms, at, expected) => {
    expect(isPastBackupRetention(plan, terms, at)).toBe(expected);
  });

  it.each([
    ['R4.3 (S4) lapsed day 79: deleted on 2027-04-01', s4, YEAR_2026, '2027-03-20', '2027-04-01'],
    ['R4.3 (S4) lapsed day 1', s4, YEAR_2026, '2027-01-01', '2027-04-01'],
    ['R4.3 (S4) active: no date', s4, YEAR_2026, '2026-06-01', null],
    ['R4.3 no retention: no date', noRetention, YEAR_2026, '2027-06-01', null],
  ] as const)('%s', (_name, plan, terms, at, expected) => {
    expect(backupDeletionDate(plan, terms, at)).toBe(expected);
  });
});
