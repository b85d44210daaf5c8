import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import { detectAbuse } from './conduct.ts';

const terms = (text: string) => detectAbuse(text).matches.map((m) => m.term);

describe('R1.3 conduct: likely abuse is flagged for an agent (S1: ticket-desk)', () => {
  it('R1.3 (S1): the preset flags for an agent and never revokes on its own', () => {
    expect(loadPreset('ticket-desk').conduct.abuseDetection).toBe('flag-for-agent');
  });

  it.each<[string, string, string[]]>([
    [
      'R1.3 (S1): an insult in a customer message is flagged for an agent',
      'You idiot, read my ticket',
      ['idiot'],
    ],
    ['R1.3 (S1): "moron" is an insult', 'what kind of morons wrote this', ['moron']],
    ['R1.3 (S1): "incompetent" is an insult', 'your incompetent support staff', ['incompetent']],
    ['R1.3 (S1): "stupid" aimed at a person is an insult', 'Are you stupid?', ['stupid']],
    ['R1.3 (S1): "stupid developers" is an insult', 'only stupid developers ship this', ['stupid']],
    ['R1.3 (S1): "stupid support team" is an insult', 'your stupid support team', ['stupid']],
    ['R1.3 (S1): "you\'re useless" is an insult', "you're useless", ['useless']],
    ['R1.3 (S1): "bunch of clowns" is an insult', 'a bunch of clowns', ['clown']],
    ['R1.3 (S1): "dumbass" is an insult', 'any dumbass knows', ['dumbass']],
    ['R1.3 (S1): "shut up" is an insult', 'Shut up and fix it!', ['shut up']],
    ['R1.3 (S1): "I will sue you" is a threat', 'Fix it or I will sue you!', ['i will sue you']],
    ['R1.3 (S1): "we\'ll sue" is a threat', "We'll sue.", ['i will sue you']],
    ['R1.3 (S1): "see you in court" is a threat', 'See you in court.', ['i will sue you']],
    ['R1.3 (S1): "you will regret" is a threat', 'You will regret this', ['you will regret']],
    ['R1.3 (S1): "you’ll regret" with a curly apostrophe', 'You’ll regret this!', ['you will regret']],
    ['R1.3 (S1): "you\'ll be sorry" is a threat', "you'll be sorry", ['you will regret']],
    [
      'R1.3 (S1): "I\'ll destroy your reputation" is a threat',
      "I'll destroy your reputation",
      ["i'll destroy your reputation"],
    ],
    [
      'R1.3 (S1): "ruin your business" is a threat',
      'I will ruin your business',
      ["i'll destroy your reputation"],
    ],
    ['R1.3 (S1): "I will kill you" is a threat', 'I will kill you', ['i will kill you']],
    ['R1.3 (S1): "I know where you live" is a threat', 'I know where you live', ['i know where you live']],
    ['R1.3 (S1): "imbeciles" is an insult', 'imbeciles', ['imbecile']],
    ['R1.3 (S1): "cretin" is an insult', 'cretin', ['cretin']],
    ['R1.3 (S1): "numbskull" is an insult', 'you numbskull', ['halfwit']],
    ['R1.3 (S1): "jackass" is an insult', 'jackass', ['dumbass']],
    ['R1.3 (S1): "douchebag" is an insult', 'douchebag', ['douche']],
    ['R1.3 (S1): "scumbag" is an insult', 'scumbags', ['scum']],
    ['R1.3 (S1): "stupid staff" is an insult', 'stupid staff', ['stupid']],
    ['R1.3 (S1): "stupid programmers" is an insult', 'stupid programmers', ['stupid']],
    ['R1.3 (S1): "you’re dumb" is an insult', 'you’re dumb', ['dumb']],
    ['R1.3 (S1): "you are pathetic" is an insult', 'you are pathetic', ['pathetic']],
    ['R1.3 (S1): "bunch of amateurs" is an insult', 'bunch of amateurs', ['amateurs']],
    ['R1.3 (S1): "you loser" is an insult', 'you loser', ['loser']],
    ['R1.3 (S1): "you jerk" is an insult', 'you jerk', ['jerk']],
    ['R1.3 (S1): "my attorney will" is a threat', 'my attorney will hear of this', ['i will sue you']],
    ['R1.3 (S1): "gonna sue" is a threat', "I'm gonna sue", ['i will sue you']],
    ['R1.3 (S1): "take legal action" is a threat', 'we will take legal action', ['i will sue you']],
    ['R1.3 (S1): "you will be sorry" is a threat', 'you will be sorry', ['you will regret']],
    ['R1.3 (S1): "beat you up" is a threat', 'I will beat you up', ['beat you up']],
    ['R1.3 (S1): "watch your back" is a threat', 'watch your back', ['watch your back']],
    ['R1.3 (S1): "you’ll pay for this" is a threat', "you'll pay for this", ['you will pay for this']],
    ['R1.3 (S1): profanity is flagged', 'this fucking thing', ['fuck']],
    ['R1.3 (S1): profanity in capitals', 'WHAT THE SHIT', ['shit']],
    ['R1.3 (S1): leetspeak', 'this is sh1t', ['shit']],
    ['R1.3 (S1): two findings in one message', 'You idiot, I will sue you', ['idiot', 'i will sue you']],
  ])('%s', (_name, text, expected) => {
    expect(detectAbuse(text).flagged).toBe(true);
    expect(terms(text)).toEqual(expected);
  });

  // LESSONS: normalise, then check; an invisible character must not hide a word.
  it.each<[string, string, string]>([
    ['R1.3 (S1): a zero-width space inside an insult', 'you id\u200Biot', 'idiot'],
    ['R1.3 (S1): a zero-width space inside profanity', 'f\u200Buck this', 'fuck'],
    ['R1.3 (S1): a zero-width joiner', 'f\u200Duck', 'fuck'],
    ['R1.3 (S1): a soft hyphen', 'mo\u00ADron', 'moron'],
    ['R1.3 (S1): a word joiner and a BOM', 'i\u2060d\uFEFFiot', 'idiot'],
    ['R1.3 (S1): fullwidth letters (NFKC)', 'ＩＤＩＯＴ', 'idiot'],
    ['R1.3 (S1): mathematical bold letters (NFKC)', '𝐢𝐝𝐢𝐨𝐭', 'idiot'],
    ['R1.3 (S1): line breaks and runs of spaces between words', 'I   will\r\n\r\nsue you', 'i will sue you'],
    ['R1.3 (S1): a no-break space between words', 'you\u00A0are stupid', 'stupid'],
  ])('%s', (_name, text, expected) => {
    expect(terms(text)).toEqual([expected]);
  });

  it.each<[string, string]>([
    ['R1.3 (S1): "assess" is not abuse', 'Please assess the impact of the upgrade'],
    ['R1.3 (S1): "Scunthorpe" is not abuse', 'Our office in Scunthorpe cannot download 5.2'],
    ['R1.3 (S1): "class" and "passage" are not abuse', 'The class loader fails on the passage of a null'],
    ['R1.3 (S1): "kill the process" is not abuse', 'I had to kill the process and restart it'],
    ['R1.3 (S1): "kill -9" is not abuse', 'kill -9 $(pidof upkeep) leaves a lock file'],
    ['R1.3 (S1): "the daemon hangs" is not abuse', 'The daemon hangs after the backup job'],
    ['R1.3 (S1): "stupidly slow" describes software (decision)', 'the build is stupidly slow'],
    ['R1.3 (S1): "this stupid bug" describes software (decision)', 'this stupid bug deletes my settings'],
    ['R1.3 (S1): "stupid device" describes a thing', 'the stupid device will not boot'],
    ['R1.3 (S1): "dumb terminal" is not abuse', 'it runs on a dumb terminal'],
    ['R1.3 (S1): "idiot-proof" is not abuse', 'make the installer idiot-proof'],
    ['R1.3 (S1): "issue you" is not "sue you"', 'can you issue you a new key?'],
    ['R1.3 (S1): "kill your process" is not "kill you"', 'please kill your old process first'],
    [
      'R1.3 (S1): a foreign-key error is not abuse',
      'ERROR: violates foreign key constraint "fk_orders_customer"',
    ],
    ['R1.3 (S1): code quoting stringify(k) is not abuse', 'keys.map((k) => JSON.stringify(k))'],
    ['R1.3 (S1): Cockpit is a Linux web console', 'Cockpit shows the service as failed'],
    [
      'R1.3 (S1): analysis, assign, assume, title, cumulative',
      'analysis: assign and assume the title of the cumulative update',
    ],
    [
      'R1.3 (S1): a punctuation-heavy log line',
      '[WARN] 2026-03-02T10:00:00Z pass=3/5 ratio=0.6 (retrying...)!!!',
    ],
    ['R1.3 (S1): an empty message', ''],
  ])('%s', (_name, text) => {
    expect(detectAbuse(text)).toEqual({ flagged: false, matches: [] });
  });

  it('R1.3 (S1): a match gives the span in the text as written, end exclusive', () => {
    const text = 'Well, you id\u200Biot!';
    const [match] = detectAbuse(text).matches;
    expect(match).toEqual({ term: 'idiot', start: 10, end: 16 });
    expect(text.slice(match!.start, match!.end)).toBe('id\u200Biot');
  });

  it('R1.3 (S1): spans count UTF-16 units of the original, astral letters included', () => {
    const text = 'ok 𝐢𝐝𝐢𝐨𝐭';
    expect(detectAbuse(text).matches).toEqual([{ term: 'idiot', start: 3, end: 13 }]);
  });

  it('R1.3 (S1): several patterns of one threat over one phrase are one match', () => {
    expect(detectAbuse('I will sue you').matches).toEqual([{ term: 'i will sue you', start: 2, end: 14 }]);
  });
});
