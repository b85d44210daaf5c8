// Measurement helpers and the Markdown report of the calendar bench.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export type Rates = { wall: number[]; cpu: number[] };

/**
 * Runs `round` once per round and returns each round's ops/s (ops = what `round` reports it did), per
 * wall-clock second and per second of this process's CPU time. On a shared machine the CPU-time rate is
 * the fairer "one core" figure: wall time also counts the time the scheduler gave to other processes.
 */
export function timeRounds(rounds: number, round: () => number): Rates {
  const rates: Rates = { wall: [], cpu: [] };
  for (let r = 0; r < rounds; r++) {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const ops = round();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    rates.wall.push(ops / seconds);
    rates.cpu.push(ops / ((cpu.user + cpu.system) / 1e6));
  }
  return rates;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: string;
  node: string;
  os: string;
  /** 1-minute load average when the report was written: other work on the machine skews the numbers. */
  load: string;
}

export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    // /proc/cpuinfo names the model even where os.cpus() is vague (virtual machines).
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) cpu = line.split(':')[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: keep os.cpus()'s answer.
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${process.platform} ${process.arch}`,
    load: loadavg()[0]!.toFixed(2),
  };
}

export function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)} k`;
  return opsPerSecond.toFixed(0);
}

export function formatPercent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(2)} %`;
}

/** A Markdown table from a header row and body rows, columns padded the way Biome formats Markdown. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((cell, i) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function packageVersion(name: string): string {
  const path = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
