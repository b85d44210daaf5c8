import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartData,
  type ChartOptions,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { type ReactNode, useEffect, useId, useRef } from 'react';

// Chart.js, tree-shaken to the bar and line charts the dashboards draw. This file is only reached
// through the lazily loaded dashboards chunk, so none of it weighs on the first page (docs/web.md).
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

/** Colours readable on the light and the dark theme alike. */
export const PALETTE = [
  '#3b82f6',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#14b8a6',
  '#f472b6',
  '#84cc16',
];
export const MET = '#16a34a';
export const BREACHED = '#dc2626';

/** "1 contract", "3 contracts". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

type BarOrLine = 'bar' | 'line';

type ChartFigureProps = {
  /** What the chart shows, in words: the figure's caption and the canvas's accessible name. */
  caption: string;
  type?: BarOrLine;
  data: ChartData<BarOrLine, number[], string>;
  stacked?: boolean;
  /** The y axis label (a unit: tickets, contracts, %, EUR). */
  yTitle: string;
  yMax?: number;
  /** The numbers behind the chart, as a table: the text fallback for screen readers and print. */
  table: ReactNode;
  testId: string;
};

/**
 * One chart: a captioned figure, the canvas (an image named by the caption for assistive technology),
 * and a <details> with the same numbers as a table.
 */
export function ChartFigure({
  caption,
  type = 'bar',
  data,
  stacked,
  yTitle,
  yMax,
  table,
  testId,
}: ChartFigureProps) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const captionId = useId();
  useEffect(() => {
    if (!canvas.current) return;
    const options: ChartOptions<BarOrLine> = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      scales: {
        x: { stacked: stacked === true },
        y: {
          stacked: stacked === true,
          beginAtZero: true,
          ...(yMax === undefined ? {} : { max: yMax }),
          title: { display: true, text: yTitle },
          ticks: { precision: 0 },
        },
      },
    };
    const chart = new Chart(canvas.current, { type, data, options });
    return () => chart.destroy();
  }, [type, data, stacked, yTitle, yMax]);
  return (
    <figure className="dash-chart" data-testid={testId}>
      <figcaption id={captionId}>{caption}</figcaption>
      <div className="dash-canvas">
        <canvas ref={canvas} role="img" aria-labelledby={captionId}>
          {caption}
        </canvas>
      </div>
      <details>
        <summary>The numbers</summary>
        {table}
      </details>
    </figure>
  );
}
