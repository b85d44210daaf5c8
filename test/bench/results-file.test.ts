import { describe, expect, it } from 'vitest';
import { CALENDAR_SECTION, LICENSE_VALIDATION_SECTION, replaceSection } from '../../bench/results-file.ts';

const CAL = (body: string) => `<!-- calendar:start -->\n${body}\n<!-- calendar:end -->`;
const LIC = (body: string) => `<!-- license-validation:start -->\n${body}\n<!-- license-validation:end -->`;

describe('bench/RESULTS.md sections: each bench replaces only its own part', () => {
  const cases: {
    name: string;
    current: string;
    section: typeof CALENDAR_SECTION;
    body: string;
    expected: string;
  }[] = [
    {
      name: 'the calendar bench keeps the license section',
      current: `${CAL('# old calendar')}\n\n${LIC('old license')}\n`,
      section: CALENDAR_SECTION,
      body: '# new calendar\n',
      expected: `${CAL('# new calendar')}\n\n${LIC('old license')}\n`,
    },
    {
      name: 'the license bench keeps the calendar section',
      current: `${CAL('# calendar')}\n\n${LIC('old license')}\n`,
      section: LICENSE_VALIDATION_SECTION,
      body: 'new license',
      expected: `${CAL('# calendar')}\n\n${LIC('new license')}\n`,
    },
    {
      name: 'a file from before the calendar markers: its unmarked calendar text is replaced, the license part kept',
      current: `# old calendar\ntable\n\n${LIC('old license')}\n`,
      section: CALENDAR_SECTION,
      body: '# new calendar',
      expected: `${CAL('# new calendar')}\n\n${LIC('old license')}\n`,
    },
    {
      name: 'a file with only an unmarked calendar: the license section goes after it',
      current: '# calendar\n',
      section: LICENSE_VALIDATION_SECTION,
      body: 'license',
      expected: `# calendar\n\n${LIC('license')}\n`,
    },
    {
      name: 'an empty file gets the section alone',
      current: '',
      section: CALENDAR_SECTION,
      body: '# calendar',
      expected: `${CAL('# calendar')}\n`,
    },
  ];
  it.each(cases)('$name', ({ current, section, body, expected }) => {
    expect(replaceSection(current, section, body)).toBe(expected);
  });
});
