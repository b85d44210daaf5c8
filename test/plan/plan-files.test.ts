import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-io.ts';
import { parseInstant } from '../../src/cli/sla.command.ts';
import { listPresets, loadPlanFile, loadPlanRef } from '../../src/server/plan/plan-files.ts';

describe('plan files', () => {
  it('listPresets loads the five presets, all valid', async () => {
    const presets = await listPresets();
    expect(presets.map((p) => [p.name, p.result.ok])).toEqual([
      ['addon-support', true],
      ['annual-maintenance', true],
      ['business-sla', true],
      ['per-user-subscription', true],
      ['ticket-desk', true],
    ]);
  });

  it('loadPlanRef takes a preset name or a path; an unknown name lists the presets', async () => {
    expect((await loadPlanRef('ticket-desk')).ok).toBe(true);
    expect((await loadPlanRef('plans/ticket-desk.yaml')).ok).toBe(true);
    expect(await loadPlanRef('no-such-plan')).toMatchObject({ ok: false, code: 'UNKNOWN_PLAN' });
    expect(await loadPlanFile('/nonexistent/plan.yaml')).toMatchObject({ ok: false, code: 'UNREADABLE' });
  });
});

describe('sla due --at', () => {
  it.each([
    ['2026-11-27T17:30:00+03:00', 'UTC', '2026-11-27T14:30:00Z'],
    ['2026-11-27T14:30:00Z', 'Europe/Moscow', '2026-11-27T14:30:00Z'],
    ['2026-11-27T17:30', 'Europe/Moscow', '2026-11-27T14:30:00Z'],
    ['2026-11-27T17:30[Europe/Moscow]', 'UTC', '2026-11-27T14:30:00Z'],
  ])('%s (plan zone %s) → %s', (text, zone, expected) => {
    expect(parseInstant(text, zone).toString()).toBe(expected);
  });

  it('refuses text that is not an instant, naming --at', () => {
    expect(() => parseInstant('tomorrow', 'UTC')).toThrow(CliError);
    expect(() => parseInstant('tomorrow', 'UTC')).toThrow(/--at: expected an instant/);
  });
});
