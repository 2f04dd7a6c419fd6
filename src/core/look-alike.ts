/**
 * Names that look alike: two names with the same skeleton are told apart
 * with their `#abcd` tag whenever both are present. The skeleton is the name
 * in NFKC, with the Cyrillic and Greek letters that look like Latin ones (and
 * `0`, `1`, `I`) mapped to those, then case folded: `bob`, `Bob`, `BOB`, `bоb`
 * (Cyrillic о) and `b0b` share one. This is a small table, not Unicode's full
 * confusables list: it covers the scripts a look-alike of a Latin name is
 * usually made from.
 */

/** Look-alikes of Latin letters, before case folding (upper case) and after (lower case). */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Digits and capitals that pass for letters.
  '0': 'o',
  '1': 'l',
  I: 'l',
  // Cyrillic.
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  // Capitals, mapped before folding (their lower-case forms look different).
  А: 'a',
  В: 'b',
  Е: 'e',
  К: 'k',
  М: 'm',
  Н: 'h',
  О: 'o',
  Р: 'p',
  С: 'c',
  Т: 't',
  У: 'y',
  Х: 'x',
  І: 'l',
  Α: 'a',
  Β: 'b',
  Ε: 'e',
  Ζ: 'z',
  Η: 'h',
  Ι: 'l',
  Κ: 'k',
  Μ: 'm',
  Ν: 'n',
  Ο: 'o',
  Ρ: 'p',
  Τ: 't',
  Υ: 'y',
  Χ: 'x',
  // Greek.
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
};

function mapped(text: string): string {
  let out = '';
  for (const char of text) out += LOOK_ALIKES[char] ?? char;
  return out;
}

/** The name's skeleton: equal for names that look alike. */
export function skeletonOf(name: string): string {
  // Mapped before folding (I, capital look-alikes) and after (their lower-case forms).
  return mapped(mapped(name.normalize('NFKC')).toLowerCase());
}

/** A name and its skeleton, to keep with a member (see skeletonFor). */
export function withSkeleton(name: string): { readonly of: string; readonly is: string } {
  return { of: name, is: skeletonOf(name) };
}

/** A member's skeleton: the one kept with it while it is of its name, else worked out. */
export function skeletonFor(member: {
  readonly name: string;
  readonly skeleton?: { readonly of: string; readonly is: string };
}): string {
  return member.skeleton?.of === member.name ? member.skeleton.is : skeletonOf(member.name);
}
