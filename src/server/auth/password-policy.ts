/**
 * Which new passwords are refused beyond the length rule (12–256 characters, checked by the request
 * schema). Pure: the outcome is data, the route turns it into PASSWORD_TOO_WEAK.
 *
 * - COMMON: one of the most common passwords (the top of the public breach lists), also when
 *   padded with digits or symbols, written in leetspeak or repeated: `Password2024!`, `p@ssw0rd!!!!`,
 *   `iloveyouiloveyou`;
 * - PREDICTABLE: fewer than 5 characters that do not follow from the one before (same, next or
 *   previous character, keyboard neighbour): `aaaaaaaaaaaa`, `123456789012`, `qwertyuiopas`;
 * - PERSONAL: contains the account's email name or the account's name.
 */
export type PasswordVerdict = { ok: true } | { ok: false; reason: 'COMMON' | 'PREDICTABLE' | 'PERSONAL' };

/** The most common passwords (lower case), after NCSC's and SecLists' top-100 lists. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `123456 password 123456789 12345678 12345 111111 1234567 sunshine qwerty iloveyou princess admin
  welcome 666666 abc123 football 123123 monkey 654321 charlie aa123456 donald password1 qwerty123
  1q2w3e4r 1qaz2wsx dragon baseball letmein 000000 1234 1234567890 121212 trustno1 master hello
  freedom whatever qazwsx michael shadow superman mustang jennifer 123qwe ashley bailey passw0rd
  hunter access zaq12wsx starwars login solo 696969 batman 7777777 123321 killer jordan harley
  ranger buster thomas tigger robert soccer hockey daniel andrew joshua maggie pepper cheese
  computer corvette ginger hammer summer silver internet matthew jessica liverpool chelsea arsenal
  pokemon samsung cookie flower lovely secret changeme default zxcvbnm asdfgh qwertyuiop asdfghjkl
  test guest root love angel babygirl nicole qwertyuiopasdfghjkl passwort motdepasse contrasena
  administrator letmein1 welcome1 monkey1 football1 iloveyou1 princess1 dragon1 abcdef abcdefgh`
    .split(/\s+/)
    .filter(Boolean),
);

const MIN_SURPRISES = 5;
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwertzuiop', 'azertyuiop'];
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
};

/** Checks a new password against the rules above; `personal` holds the account's email and name. */
export function checkPasswordStrength(
  password: string,
  personal: { email: string; name: string },
): PasswordVerdict {
  const lower = password.normalize('NFKC').toLowerCase();
  if (commonCores(lower).some((core) => COMMON_PASSWORDS.has(core))) return { ok: false, reason: 'COMMON' };
  if (countSurprises(lower) < MIN_SURPRISES) return { ok: false, reason: 'PREDICTABLE' };
  const squashed = lower.replace(/[^\p{L}\p{N}]/gu, '');
  const words = [personal.email.split('@')[0] ?? '', ...personal.name.split(/\s+/)]
    .map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((w) => w.length >= 4);
  if (words.some((w) => squashed.includes(w))) return { ok: false, reason: 'PERSONAL' };
  return { ok: true };
}

/** The password, stripped of leading/trailing digits and symbols and of repetition, as typed and de-leeted. */
function commonCores(lower: string): string[] {
  const unleeted = [...lower].map((c) => LEET[c] ?? c).join('');
  const cores = [lower, stripEnds(lower), stripEnds(unleeted), unleeted];
  return cores.flatMap((core) => [core, /^(.+?)\1+$/.exec(core)?.[1] ?? core]);
}

function stripEnds(value: string): string {
  return value.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
}

/** How many characters do not follow predictably from the one before. */
function countSurprises(lower: string): number {
  const chars = [...lower];
  let surprises = 0;
  for (let i = 0; i < chars.length; i++) {
    const prev = chars[i - 1];
    const cur = chars[i] ?? '';
    if (prev === undefined || !isPredictable(prev, cur)) surprises++;
  }
  return surprises;
}

function isPredictable(prev: string, cur: string): boolean {
  if (prev === cur) return true;
  const step = (cur.codePointAt(0) ?? 0) - (prev.codePointAt(0) ?? 0);
  if (step === 1 || step === -1) return true;
  return KEYBOARD_ROWS.some((row) => {
    const at = row.indexOf(prev);
    return at !== -1 && (row[at + 1] === cur || row[at - 1] === cur);
  });
}
