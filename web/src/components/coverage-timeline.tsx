import { civil } from '../format.ts';
import type { ContractDetail } from '../types.ts';

type Term = ContractDetail['terms']['effective'][number];
type Segment = {
  kind: 'service' | 'backdated-gap' | 'lapse' | 'not-started';
  label: string;
  from: string;
  /** Exclusive end (a civil date). */
  until: string;
};

const DAY = 86_400_000;
const days = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const lastDay = (until: string) => new Date((days(until) - 1) * DAY).toISOString().slice(0, 10);

const FILL: Record<Segment['kind'], string> = {
  service: '#2e7d32',
  'backdated-gap': '#e0a100',
  lapse: '#c62828',
  'not-started': '#9e9e9e',
};
const WORDS: Record<Segment['kind'], string> = {
  service: 'covered, with service',
  'backdated-gap': 'backdated gap: paid and licensed, no service',
  lapse: 'lapsed: not covered',
  'not-started': 'not started',
};
const TERM_NAMES: Record<Term['kind'], string> = {
  initial: 'First term',
  renewal: 'Renewal',
  'backdated-gap': 'Backdated gap',
  reinstatement: 'Reinstatement',
};

/**
 * The contract's effective terms in order, with what lies between them: a lapse where one term ends
 * before the next starts, and after the last one when today is past its end.
 */
export function segmentsOf(terms: readonly Term[], today: string): Segment[] {
  const out: Segment[] = [];
  let previousEnd: string | null = null;
  for (const t of terms) {
    if (previousEnd !== null && days(t.startsOn) > days(previousEnd))
      out.push({ kind: 'lapse', label: 'Lapsed', from: previousEnd, until: t.startsOn });
    out.push({
      kind: t.givesService ? 'service' : 'backdated-gap',
      label: TERM_NAMES[t.kind],
      from: t.startsOn,
      until: t.endsOn,
    });
    previousEnd = t.endsOn;
  }
  if (previousEnd !== null && days(today) >= days(previousEnd)) {
    const tomorrow = new Date((days(today) + 1) * DAY).toISOString().slice(0, 10);
    out.push({ kind: 'lapse', label: 'Lapsed', from: previousEnd, until: tomorrow });
  }
  return out;
}

const WIDTH = 720;
const BAR_Y = 22;
const BAR_H = 26;

/**
 * Coverage terms as bars over time (plain SVG, no chart library): service in green, backdated gaps
 * amber, lapses red, a line at today. The same facts follow as text for screen readers and phones.
 */
export function CoverageTimeline({ contract, title }: { contract: ContractDetail; title?: string }) {
  const segments = segmentsOf(contract.terms.effective, contract.today);
  if (segments.length === 0) return <p className="muted">No coverage terms yet.</p>;
  const start = Math.min(days(segments[0]?.from ?? contract.today), days(contract.today));
  const end = Math.max(days(segments.at(-1)?.until ?? contract.today), days(contract.today) + 1);
  const span = Math.max(end - start, 1);
  const x = (date: string) => ((days(date) - start) / span) * WIDTH;
  const todayX = ((days(contract.today) - start) / span) * WIDTH;
  const heading = title ?? 'Coverage over time';
  const summary = segments.map(
    (s) => `${s.label} ${civil(s.from)} to ${civil(lastDay(s.until))}: ${WORDS[s.kind]}`,
  );
  return (
    <figure className="timeline" data-testid="coverage-timeline">
      <figcaption>
        <strong>{heading}</strong>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} 70`}
        width="100%"
        role="img"
        aria-label={`${heading}: ${summary.join('; ')}`}
        preserveAspectRatio="none"
      >
        <rect x={0} y={BAR_Y} width={WIDTH} height={BAR_H} fill="#e0e0e0" opacity={0.35} />
        {segments.map((s) => (
          <rect
            key={`${s.kind}-${s.from}`}
            data-kind={s.kind}
            x={x(s.from)}
            y={BAR_Y}
            width={Math.max(x(s.until) - x(s.from), 1)}
            height={BAR_H}
            fill={FILL[s.kind]}
            stroke="#ffffff"
            strokeWidth={1}
          >
            <title>{`${s.label}: ${civil(s.from)} – ${civil(lastDay(s.until))} (${WORDS[s.kind]})`}</title>
          </rect>
        ))}
        <line x1={todayX} x2={todayX} y1={12} y2={BAR_Y + BAR_H + 6} stroke="currentColor" strokeWidth={2} />
        <text
          x={Math.min(Math.max(todayX, 24), WIDTH - 24)}
          y={10}
          fontSize={11}
          textAnchor="middle"
          fill="currentColor"
        >
          today
        </text>
        <text x={2} y={66} fontSize={11} fill="currentColor">
          {civil(new Date(start * DAY).toISOString().slice(0, 10))}
        </text>
        <text x={WIDTH - 2} y={66} fontSize={11} textAnchor="end" fill="currentColor">
          {civil(new Date((end - 1) * DAY).toISOString().slice(0, 10))}
        </text>
      </svg>
      <ul className="plain timeline-legend">
        {segments.map((s) => (
          <li key={`${s.kind}-${s.from}`} data-kind={s.kind}>
            <svg width="12" height="12" aria-hidden="true" viewBox="0 0 12 12">
              <rect width="12" height="12" fill={FILL[s.kind]} />
            </svg>{' '}
            {s.label}: {civil(s.from)} – {civil(lastDay(s.until))}{' '}
            <small className="muted">({WORDS[s.kind]})</small>
          </li>
        ))}
      </ul>
    </figure>
  );
}
