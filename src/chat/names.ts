/**
 * Nicknames and room names: what the chat accepts, and when two names are the same to a reader. Plain TypeScript (no
 * Node, no DOM): the server decides with it, and the page could check with it before sending.
 *
 * Names are what people trust in a chat ("is this really Alice?"), so a name must look like what it is:
 * - NFKC first, so the many Unicode spellings of one letter (fullwidth "Ａ", math "𝐀", ligatures) are one name;
 * - nothing invisible: no control or format characters (zero-width, bidi overrides and isolates) and no "default
 *   ignorable" code points, which fonts draw as nothing: U+3164 HANGUL FILLER is a letter, yet shows as a blank name;
 * - one script per name, as browsers' IDN spoof checks require of domain names (UTS #39 "highly restrictive"): Latin
 *   mixed with Cyrillic or Greek is refused ("Аlice" with a Cyrillic А), while Latin with Han, kana, Hangul or
 *   Bopomofo stays allowed, because Chinese, Japanese and Korean names are written that way;
 * - uniqueness compares a skeleton (below), so an all-Cyrillic "Аlісе" cannot stand beside "Alice".
 */
import { MAX_NICK, MAX_ROOM, type ErrorCode } from '../shared/chat-protocol.js';

export type NameCheck = { ok: true; name: string } | { ok: false; error: ErrorCode };

const NICK = /^[\p{L}\p{N}_.-]+(?: [\p{L}\p{N}_.-]+)*$/u;
const ROOM = /^[\p{L}\p{N}_-]+$/u;
/**
 * Characters a reader cannot see or that reorder what they see. \p{Cf} holds the zero-width characters and the bidi
 * controls (U+200E/F, U+202A–E, U+2066–9, U+061C); Default_Ignorable_Code_Point adds the fillers that count as letters
 * (U+115F, U+1160, U+3164, U+FFA0) and the variation selectors.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
/** Far above any real name even before NFKC: a longer string is refused before it is normalised or scanned. */
const MAX_RAW = 256;

const SCRIPTS: ReadonlyArray<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Bopomofo', /\p{Script=Bopomofo}/u],
  ['Common', /[\p{Script=Common}\p{Script=Inherited}]/u],
];
/** UTS #39 §5.2 "highly restrictive": one script, or one of these sets (how CJK names mix with Latin). */
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

function scriptOf(char: string): string {
  for (const [name, re] of SCRIPTS) if (re.test(char)) return name;
  return otherScript(char);
}

/** The scripts of a name's letters and digits, without Common and Inherited (ASCII digits, "_", "-", "."). */
function scripts(name: string): Set<string> {
  const found = new Set<string>();
  for (const char of name) {
    const script = scriptOf(char);
    if (script !== 'Common') found.add(script);
  }
  return found;
}

const OTHER_SCRIPTS = ['Arabic', 'Hebrew', 'Thai', 'Devanagari', 'Bengali', 'Tamil', 'Armenian', 'Georgian', 'Ethiopic', 'Khmer', 'Lao', 'Tibetan', 'Mongolian'];
const OTHER_TESTS = OTHER_SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);

/** Scripts outside the table: named when known, otherwise by their Unicode block of 128 (distinct enough to compare). */
function otherScript(char: string): string {
  for (const [name, re] of OTHER_TESTS) if (re.test(char)) return name;
  return `block-${Math.floor(char.codePointAt(0)! / 128)}`;
}

/** Only ASCII: NFKC leaves it as it is, it holds no letter of LOOKS_LATIN, and its one script is Latin. */
const ASCII = /^[\x00-\x7f]*$/;

function mixedScripts(name: string): boolean {
  // Most names: a room filling up checks one per join, and the scripts' tests were a tenth of a join's own work.
  if (ASCII.test(name)) return false;
  const found = scripts(name);
  if (found.size <= 1) return false;
  return !ALLOWED_MIXES.some((allowed) => [...found].every((s) => allowed.has(s)));
}

function check(raw: unknown, kind: 'nick' | 'room'): NameCheck {
  const invalid: ErrorCode = kind === 'nick' ? 'nick-invalid' : 'room-invalid';
  if (typeof raw !== 'string') return { ok: false, error: invalid };
  if (raw.length > MAX_RAW) return { ok: false, error: kind === 'nick' ? 'nick-too-long' : 'room-invalid' };
  let name = raw.normalize('NFKC').trim();
  if (kind === 'room') name = name.toLowerCase();
  if (HIDDEN.test(name)) return { ok: false, error: kind === 'nick' ? 'nick-hidden' : 'room-hidden' };
  const length = [...name].length;
  const max = kind === 'nick' ? MAX_NICK : MAX_ROOM;
  if (length > max) return { ok: false, error: kind === 'nick' ? 'nick-too-long' : 'room-invalid' };
  if (length === 0 || !(kind === 'nick' ? NICK : ROOM).test(name)) return { ok: false, error: invalid };
  if (mixedScripts(name)) return { ok: false, error: kind === 'nick' ? 'nick-mixed-scripts' : 'room-mixed-scripts' };
  return { ok: true, name };
}

/** The nickname as it will be shown, or the reason it is refused. */
export function checkNick(raw: unknown): NameCheck {
  return check(raw, 'nick');
}

/** The room's name (rooms are case-insensitive: "Lobby" is "lobby"), or the reason it is refused. */
export function checkRoom(raw: unknown): NameCheck {
  return check(raw, 'room');
}

/** Names compare without case: "Alice" and "alice" are the same person to a reader. */
export function nickKey(nick: string): string {
  return nick.normalize('NFKC').toLowerCase();
}

/**
 * Letters of Cyrillic and Greek that are drawn like a Latin letter in common fonts, upper and lower case. A small table
 * rather than Unicode's full confusables.txt (6,000 lines): mixed-script names are refused anyway, so what is left to
 * catch is a name spelt wholly in a look-alike script, and these are the letters such names are made of.
 */
const LOOKS_LATIN: Record<string, string> = {
  // Cyrillic
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', Ѕ: 'S', І: 'I',
  Ј: 'J', Ԛ: 'Q', Ԝ: 'W', Һ: 'H', Ӏ: 'I', Ү: 'Y', Ԁ: 'D',
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  ӏ: 'l', ү: 'y', ѵ: 'v',
  // Greek
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  α: 'a', ο: 'o', ρ: 'p', ι: 'i', κ: 'k', ν: 'v', υ: 'u', χ: 'x', γ: 'y',
  // Latin letters that pass for others
  ı: 'i',
};

/**
 * What a name looks like, for uniqueness: two names with one skeleton are one name in a room. After the table above,
 * case is folded, and the few Latin shapes that fonts draw alike are merged: I, l, 1 and | (a sans-serif "AIice" is
 * "Alice"), 0 and O, "rn" and "m", "vv" and "w". This refuses a few honest pairs ("Ian" beside "lan") in exchange.
 */
export function nickSkeleton(nick: string): string {
  const mapped = ASCII.test(nick) ? nick.toLowerCase() : [...nick.normalize('NFKC')].map((c) => LOOKS_LATIN[c] ?? c).join('').toLowerCase();
  return (ASCII.test(mapped) ? mapped : [...mapped].map((c) => LOOKS_LATIN[c] ?? c).join(''))
    .replace(/[il1|]/g, 'l')
    .replace(/0/g, 'o')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}
