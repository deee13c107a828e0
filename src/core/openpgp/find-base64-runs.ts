/** A run of base64 in text, possibly wrapped over lines, and its first characters without the breaks. */
export interface Base64Run {
  readonly start: number;
  readonly base64: string;
}

const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
/** A wrapped line is a whole number of 4-character groups, and longer than a word. */
const MIN_WRAPPED_LINE = 16;

/**
 * Runs of base64 of at least `minChars` characters, each with at most its first `maxChars`
 * characters kept: one long line (a JSON or YAML value), or lines wrapped at a multiple of 4 and
 * joined by line breaks, indentation or `\n` escapes (PEM-like bodies, YAML block scalars, JSON
 * strings). One pass over the text; each character is looked at a bounded number of times.
 */
export function* findBase64Runs(text: string, minChars: number, maxChars: number): Generator<Base64Run> {
  let i = 0;
  while (i < text.length) {
    if (!isBase64Char(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    const kept: string[] = [];
    let keptChars = 0;
    let total = 0;
    for (;;) {
      let j = i;
      while (j < text.length && isBase64Char(text.charCodeAt(j))) j++;
      const line = j - i;
      while (j < text.length && text.charCodeAt(j) === EQUALS && j - i < line + 2) j++;
      const padded = j - i > line;
      if (keptChars < maxChars) {
        const piece = text.slice(i, Math.min(j, i + maxChars - keptChars));
        kept.push(piece);
        keptChars += piece.length;
      }
      total += j - i;
      i = j;
      // padding ends the data; a short or odd line is not wrapped base64
      if (padded || line < MIN_WRAPPED_LINE || line % 4 !== 0) break;
      const next = afterLineBreak(text, i);
      if (next === i || next >= text.length || !isBase64Char(text.charCodeAt(next))) break;
      i = next;
    }
    if (total >= minChars) yield { start, base64: kept.join("") };
  }
}

/** Past one line break (a real one or a `\n` escape) and the indentation around it; `at` when there is none. */
function afterLineBreak(text: string, at: number): number {
  let i = at;
  let breaks = 0;
  for (;;) {
    const code = text.charCodeAt(i);
    const escaped = code === BACKSLASH ? text.charCodeAt(i + 1) : -1;
    if (code === 0x0a || escaped === 0x6e)
      breaks++; // "\n" in a JSON string
    else if (escaped !== 0x72 && code !== 0x0d && code !== 0x20 && code !== 0x09) break; // "\r", CR, indentation
    if (escaped !== -1) i++;
    i++;
    if (breaks > 1 || i - at > 64) return at; // a blank line or a long gap ends the run
  }
  return breaks === 1 ? i : at;
}

function isBase64Char(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2b || // +
    code === 0x2f // /
  );
}
