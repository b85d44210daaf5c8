import {
  DataSet,
  englishDataset,
  englishRecommendedTransformers,
  type PhraseBuilder,
  parseRawPattern,
  RegExpMatcher,
} from 'obscenity';

/** One likely-abusive span; `start`/`end` are UTF-16 offsets into the text as given (`end` exclusive). */
export interface AbuseMatch {
  term: string;
  start: number;
  end: number;
}

export interface AbuseDetection {
  flagged: boolean;
  matches: AbuseMatch[];
}

/** A term, its obscenity patterns, and whitelisted words that contain a pattern but are not abuse. */
type Phrase = readonly [term: string, patterns: readonly string[], whitelist?: readonly string[]];

/*
 * Insults and threats obscenity's English dataset lacks (it covers profanity and slurs). Patterns use
 * obscenity's syntax: `|` a word boundary, `?` any one character (so "you?re" takes ' and ’). They are
 * matched after obscenity's transformers, which collapse repeated letters except b, e, o, l, s, g: hence
 * "suport", "sory", "gona", "staf".
 *
 * Decision: "stupid", "dumb", "useless" and "pathetic" flag only when aimed at a person ("you are stupid",
 * "stupid developers"); "the build is stupidly slow" and "this stupid bug" describe software and do not
 * flag. "idiot", "moron" and "incompetent" flag anywhere: tickets rarely use them about a thing.
 */
const INSULTS: readonly Phrase[] = [
  ['idiot', ['|idiot'], ['idiot proof', 'idiot-proof', 'idiotproof']],
  ['moron', ['|moron']],
  ['imbecile', ['|imbecil']],
  ['cretin', ['|cretin']],
  ['halfwit', ['|halfwit', '|dimwit', '|nitwit', '|numbskul']],
  ['dumbass', ['dumbas', '|jackas']],
  ['douche', ['|douche']],
  ['scum', ['|scum|', '|scumbag']],
  ['incompetent', ['|incompetent', '|incompetence']],
  [
    'stupid',
    [
      '|you stupid',
      '|you are stupid',
      '|you?re stupid',
      '|youre stupid',
      '|you are so stupid',
      '|you?re so stupid',
      '|stupid are you',
      '|stupid people',
      '|stupid devs|',
      '|stupid developer',
      '|stupid programer',
      '|stupid engineer',
      '|stupid agent',
      '|stupid staf',
      '|stupid suport team',
    ],
  ],
  ['dumb', ['|you are dumb|', '|you?re dumb|', '|youre dumb|', '|dumb people']],
  ['useless', ['|you are useless', '|you?re useless', '|youre useless', '|useless people']],
  ['pathetic', ['|you are pathetic', '|you?re pathetic', '|youre pathetic']],
  ['clown', ['|you clown', '|bunch of clowns']],
  ['amateurs', ['|you amateurs', '|bunch of amateurs']],
  ['loser', ['|you loser', '|bunch of losers']],
  ['jerk', ['|you jerk']],
  ['shut up', ['|shut up|']],
];

const THREATS: readonly Phrase[] = [
  [
    'i will sue you',
    [
      '|sue you',
      '|will sue|',
      '|i?ll sue|',
      '|ill sue|',
      '|we?ll sue|',
      '|going to sue|',
      '|gona sue|',
      '|see you in court',
      '|my lawyer will',
      '|my lawyers will',
      '|my atorney will',
      '|take legal action',
      '|legal action against you',
    ],
  ],
  [
    'you will regret',
    [
      '|you will regret',
      '|you?ll regret',
      '|youll regret',
      '|you are going to regret',
      '|you?re going to regret',
      '|you will be sory',
      '|you?ll be sory',
    ],
  ],
  [
    "i'll destroy your reputation",
    [
      '|destroy your reputation',
      '|ruin your reputation',
      '|destroy your company',
      '|ruin your company',
      '|destroy your business',
      '|ruin your business',
      '|destroy you|',
      '|ruin you|',
    ],
  ],
  ['i will kill you', ['|kill you|', '|kill yourself', '|kys|', '|hunt you down', '|hurt you|']],
  ['i know where you live', ['|know where you live']],
  ['beat you up', ['|beat you up', '|punch you']],
  ['watch your back', ['|watch your back']],
  ['you will pay for this', ['|you will pay for this', '|you?ll pay for this', '|youll pay for this']],
];

/**
 * Support vocabulary the profanity dataset would otherwise flag: Cockpit (the Linux web console), numpy's
 * cumsum, code such as `stringify(k)` or `verify(key)` (obscenity reads "(" as a leetspeak "c").
 */
const SUPPORT_WORDS = ['cockpit', 'cumsum', 'dickinson', 'retardant', 'fy(k'];

/*
 * obscenity's own "fuck" phrase, less `|fk` and `|fu|`: tickets quote database errors ("foreign key
 * constraint fk_orders") and release names ("FU 22H2"). "fk you" and "fk off" still flag.
 */
const FUCK: Phrase = ['fuck', ['f[?]ck', '|fuk', '|fk you', '|fk of'], ['fick', 'kung-fu', 'kung fu']];

type Metadata = { originalWord: string };

function buildDataset(): DataSet<Metadata> {
  const data = new DataSet<Metadata>()
    .addAll(englishDataset)
    .removePhrasesIf((phrase) => phrase.metadata?.originalWord === 'fuck');
  for (const phrase of [FUCK, ...INSULTS, ...THREATS])
    data.addPhrase((builder) => buildPhrase(builder, phrase));
  return data.addPhrase((builder) => buildPhrase(builder, ['', [], SUPPORT_WORDS]));
}

function buildPhrase(builder: PhraseBuilder<Metadata>, [term, patterns, whitelist = []]: Phrase) {
  if (term) builder.setMetadata({ originalWord: term });
  for (const source of patterns) builder.addPattern(parseRawPattern(source));
  for (const word of whitelist) builder.addWhitelistedTerm(word);
  return builder;
}

const dataset = buildDataset();
const matcher = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
// Zero-width spaces and joiners, soft hyphens, bidi controls, variation selectors, Hangul fillers.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
// obscenity reads "!" as leetspeak for "i"; a "!" that ends a word is punctuation ("sue you!").
const TRAILING_BANGS = /!+(?![\p{L}\p{N}])/gu;

interface Normalised {
  text: string;
  /** Per UTF-16 unit of `text`: the bounds of the grapheme of the original text it came from. */
  starts: number[];
  ends: number[];
}

/** NFKC per grapheme, format characters dropped, whitespace as one space each; keeps a map back to `input`. */
function normalise(input: string): Normalised {
  const out: Normalised = { text: '', starts: [], ends: [] };
  for (const { segment, index } of graphemes.segment(input)) {
    // Invisible first: JavaScript's \s counts U+FEFF as white space.
    const visible = segment.normalize('NFKC').replace(INVISIBLE, '');
    const mapped = /^\s+$/u.test(visible) ? ' ' : visible;
    for (let i = 0; i < mapped.length; i++) {
      out.starts.push(index);
      out.ends.push(index + segment.length);
    }
    out.text += mapped;
  }
  out.text = out.text.replace(TRAILING_BANGS, (bangs) => '.'.repeat(bangs.length));
  return out;
}

/**
 * R1.3: find likely abuse (profanity, slurs, insults, threats) in a ticket message, for an agent to confirm.
 * @example detectAbuse('You idiot') // { flagged: true, matches: [{ term: 'idiot', start: 4, end: 9 }] }
 */
export function detectAbuse(text: string): AbuseDetection {
  const norm = normalise(text);
  const matches: AbuseMatch[] = [];
  for (const hit of matcher.getAllMatches(norm.text, true)) {
    const term = dataset.getPayloadWithPhraseMetadata(hit).phraseMetadata?.originalWord ?? 'abuse';
    const start = norm.starts[hit.startIndex] ?? 0;
    const end = norm.ends[hit.endIndex] ?? text.length;
    // Several patterns of one term often hit one phrase ("will sue" and "sue you"): report it once.
    const same = matches.find((m) => m.term === term && start <= m.end && end >= m.start);
    if (same) Object.assign(same, { start: Math.min(same.start, start), end: Math.max(same.end, end) });
    else matches.push({ term, start, end });
  }
  return { flagged: matches.length > 0, matches };
}
