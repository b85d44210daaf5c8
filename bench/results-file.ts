import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Each bench owns one part of bench/RESULTS.md, between its own start and end markers. */
export type ResultsSection = { start: string; end: string; placement: 'first' | 'last' };

export const CALENDAR_SECTION: ResultsSection = {
  start: '<!-- calendar:start -->',
  end: '<!-- calendar:end -->',
  placement: 'first',
};

export const LICENSE_VALIDATION_SECTION: ResultsSection = {
  start: '<!-- license-validation:start -->',
  end: '<!-- license-validation:end -->',
  placement: 'last',
};

export const CREATE_TICKETS_SECTION: ResultsSection = {
  start: '<!-- helpdesk-create:start -->',
  end: '<!-- helpdesk-create:end -->',
  placement: 'last',
};

export const HELPDESK_SCALE_SECTION: ResultsSection = {
  start: '<!-- helpdesk-scale:start -->',
  end: '<!-- helpdesk-scale:end -->',
  placement: 'last',
};

const ANY_SECTION_START = /<!-- [\w-]+:start -->/;

/**
 * The file's text with this section's part replaced by `body` (wrapped in its markers), every other
 * part kept byte for byte. A section not yet in the file goes last, or first for the calendar part:
 * files written before the calendar had markers hold it unmarked before the first marked section,
 * and that unmarked text is replaced.
 */
export function replaceSection(current: string, section: ResultsSection, body: string): string {
  const marked = `${section.start}\n${body.trim()}\n${section.end}`;
  const start = current.indexOf(section.start);
  const end = current.indexOf(section.end);
  if (start >= 0 && end > start)
    return current.slice(0, start) + marked + current.slice(end + section.end.length);
  if (section.placement === 'last')
    return current.trim() === '' ? `${marked}\n` : `${current.trimEnd()}\n\n${marked}\n`;
  const other = current.search(ANY_SECTION_START);
  return other >= 0 ? `${marked}\n\n${current.slice(other)}` : `${marked}\n`;
}

/** Rewrites only this section of the results file (created when missing). */
export function writeSection(path: string, section: ResultsSection, body: string): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeFileSync(path, replaceSection(current, section, body));
}
