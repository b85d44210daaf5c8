import { duration, instant, minutes } from '../format.ts';
import type { Budget, SlaClockView, Ticket } from '../types.ts';
import { Badge, useNow } from './ui.tsx';

const METRIC: Record<SlaClockView['metric'], string> = {
  assignment: 'Assignment',
  firstResponse: 'First response',
  nextResponse: 'Next response',
  resolution: 'Resolution',
};

/** Less than this left on a running clock is shown as a warning (amber) before the breach (red). */
const WARN_MS = 60 * 60 * 1000;

export function toneOfDue(dueAt: string | null, now: number, slaState?: Ticket['slaState']) {
  if (slaState === 'breached') return 'bad' as const;
  if (!dueAt) return slaState === 'warning' ? ('warn' as const) : ('ok' as const);
  const left = Date.parse(dueAt) - now;
  if (left < 0) return 'bad' as const;
  if (left < WARN_MS || slaState === 'warning') return 'warn' as const;
  return 'ok' as const;
}

/** A live countdown to `dueAt`: "in 2 h 05 min", turning amber near the instant and red after it. */
export function Countdown({ dueAt, slaState }: { dueAt: string | null; slaState?: Ticket['slaState'] }) {
  const now = useNow();
  if (!dueAt) return <span className="muted">no clock running</span>;
  const left = Date.parse(dueAt) - now;
  const tone = toneOfDue(dueAt, now, slaState);
  return (
    <time className={`clock ${tone}`} dateTime={dueAt} title={instant(dueAt)}>
      {left >= 0 ? `due in ${duration(left)}` : `overdue ${duration(left)}`}
    </time>
  );
}

export function SlaBadge({ state }: { state: Ticket['slaState'] }) {
  const tone = state === 'breached' ? 'bad' : state === 'warning' ? 'warn' : 'ok';
  return <Badge tone={tone}>SLA {state}</Badge>;
}

/** Every SLA clock of a ticket with its target as the plan states it and where it stands. */
export function SlaClocks({ clocks }: { clocks: SlaClockView[] }) {
  if (clocks.length === 0) return <p className="muted">No SLA targets apply to this ticket.</p>;
  return (
    <ul className="plain">
      {clocks.map((c) => (
        <li key={`${c.metric}-${c.cycle}`}>
          <strong>{METRIC[c.metric]}</strong> within {c.within}{' '}
          <small className="muted">
            ({c.clock === 'working' ? 'working time' : 'calendar time'}, {c.binding})
          </small>
          <br />
          {c.state === 'running' && <Countdown dueAt={c.dueAt} />}
          {c.state === 'paused' && <Badge tone="muted">paused</Badge>}
          {c.state === 'met' && <Badge tone="ok">met {c.stoppedAt ? instant(c.stoppedAt) : ''}</Badge>}
          {c.state === 'missed' && (
            <Badge tone="bad">missed {c.breachedAt ? instant(c.breachedAt) : ''}</Badge>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The hour budgets of the contract this period (R2.10): what is left, in plain numbers. */
export function Budgets({ budgets }: { budgets: Budget[] }) {
  if (budgets.length === 0) return null;
  return (
    <ul className="plain">
      {budgets.map((b) => (
        <li key={`${b.category}-${b.periodStartsOn}`}>
          <strong>{b.category}</strong>: {minutes(b.remainingMinutes)} left of {minutes(b.capMinutes)}{' '}
          <small className="muted">
            ({b.period === 'month' ? 'this month' : 'this contract year'}, until {b.periodEndsOn})
          </small>
          {b.requiresPriorEstimateAgreement && (
            <small className="muted"> · work needs an agreed estimate first</small>
          )}
        </li>
      ))}
    </ul>
  );
}
