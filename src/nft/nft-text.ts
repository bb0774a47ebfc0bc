/**
 * Splits nft's text listing into words, so read-back can walk a rule or an element list token by
 * token. A quoted string (comments, log prefixes) is one token that keeps its quotes; `{`, `}` and
 * `,` are tokens of their own, so `ct state established,related` reads as three words.
 *
 * nft prints comments without escaping; whalewall's comments and prefixes hold container names
 * and label paths, which contain no quote.
 */
const TOKEN = /"[^"]*"?|[{},]|[^\s{},"]+/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** The text inside a quoted token, or undefined when the token is not quoted. */
export function unquote(token: string | undefined): string | undefined {
  if (token === undefined || token.length < 2 || !token.startsWith('"') || !token.endsWith('"')) {
    return undefined;
  }
  return token.slice(1, -1);
}

/** A table's listing as blocks: `chain X`, `map X`, `set X`, each with the lines inside it. */
export interface TextBlock {
  readonly kind: string;
  readonly name: string;
  readonly lines: readonly string[];
}

/**
 * Cuts `list table` text into its blocks. nft prints one object per block, opened by
 * `<kind> <name> {` on a line of its own and closed by a lone `}`; nothing inside our table nests
 * deeper except element lists, which close on the line where they end.
 */
export function splitBlocks(listing: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let current: { kind: string; name: string; lines: string[] } | undefined;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const open = /^(chain|map|set|flowtable|counter|quota|ct|limit|secmark|synproxy) (.+) \{$/u;
    const header = current === undefined ? open.exec(line) : null;
    if (header !== null) {
      current = { kind: header[1] ?? '', name: unquote(header[2]) ?? header[2] ?? '', lines: [] };
    } else if (current !== undefined && line === '}') {
      blocks.push(current);
      current = undefined;
    } else if (current !== undefined && line !== '') {
      current.lines.push(line);
    }
  }
  return blocks;
}

/** The text between `elements = {` and its closing brace, joined across lines. */
export function elementsText(lines: readonly string[]): string {
  const start = lines.findIndex((l) => l.startsWith('elements = {'));
  if (start < 0) return '';
  const joined = lines.slice(start).join(' ');
  const body = joined.slice('elements = {'.length);
  const end = body.lastIndexOf('}');
  return end < 0 ? body : body.slice(0, end);
}
