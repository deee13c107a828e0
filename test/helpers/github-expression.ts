/**
 * GitHub Actions' expression language, the part workflows here use: literals, property and index
 * access, `!`, `==`, `!=`, `<`, `>`, `&&`, `||` (which return an operand, as in JavaScript),
 * `contains`, `startsWith`, `endsWith` and `format`, with GitHub's loose comparisons (strings
 * compared ignoring case, other mixed types as numbers) and truthiness. Enough to test a job's
 * `if` and a concurrency group on sample events; anything else throws rather than guesses.
 */
export function evaluateExpression(source: string, context: Record<string, unknown>): unknown {
  const text = source.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token.text !== expected))
      throw new Error(`expected ${expected ?? "more"} in ${text}`);
    return token;
  };

  const or = (): unknown => {
    let left = and();
    while (peek()?.text === "||") {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const and = (): unknown => {
    let left = comparison();
    while (peek()?.text === "&&") {
      take();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const comparison = (): unknown => {
    let left = unary();
    for (let op = peek()?.text; op && ["==", "!=", "<", ">", "<=", ">="].includes(op); op = peek()?.text) {
      take();
      const right = unary();
      left = compare(op, left, right);
    }
    return left;
  };
  const unary = (): unknown => {
    if (peek()?.text === "!") {
      take();
      return !truthy(unary());
    }
    return postfix();
  };
  const postfix = (): unknown => {
    let value = primary();
    for (;;) {
      if (peek()?.text === ".") {
        take();
        value = member(value, take().text);
      } else if (peek()?.text === "[") {
        take();
        const index = or();
        take("]");
        value = member(value, index);
      } else return value;
    }
  };
  const primary = (): unknown => {
    const token = take();
    if (token.kind === "string" || token.kind === "number") return token.value;
    if (token.text === "(") {
      const value = or();
      take(")");
      return value;
    }
    if (token.text === "true" || token.text === "false") return token.text === "true";
    if (token.text === "null") return null;
    if (peek()?.text === "(") {
      take();
      const args: unknown[] = [];
      while (peek()?.text !== ")") {
        args.push(or());
        if (peek()?.text === ",") take();
      }
      take(")");
      return call(token.text, args);
    }
    if (!(token.text in context)) throw new Error(`unknown context ${token.text}`);
    return context[token.text];
  };

  const value = or();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]!.text} in ${text}`);
  return value;
}

/** GitHub's truthiness: false, 0, NaN, "" and null are falsy; objects and arrays are truthy. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === "") return false;
  return !(typeof value === "number" && (value === 0 || Number.isNaN(value)));
}

interface Token {
  kind: "string" | "number" | "word" | "op";
  text: string;
  value?: unknown;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|'((?:[^']|'')*)'|(\d+(?:\.\d+)?)|([A-Za-z_][\w-]*)|(\|\||&&|==|!=|<=|>=|[!<>().,[\]])/y;
  for (let match = pattern.exec(text); match !== null && match[0] !== ""; match = pattern.exec(text)) {
    if (match[1] !== undefined)
      tokens.push({ kind: "string", text: match[0], value: match[1].replace(/''/g, "'") });
    else if (match[2] !== undefined) tokens.push({ kind: "number", text: match[2], value: Number(match[2]) });
    else if (match[3] !== undefined) tokens.push({ kind: "word", text: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: "op", text: match[4] });
    if (pattern.lastIndex === text.length) return tokens;
  }
  if (text.trim() === "") return tokens;
  throw new Error(`cannot read the expression at ${pattern.lastIndex}: ${text}`);
}

function member(value: unknown, key: unknown): unknown {
  if (value === null || typeof value !== "object") return null;
  const found = (value as Record<string, unknown>)[String(key)];
  return found === undefined ? null : found;
}

function asString(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function compare(op: string, left: unknown, right: unknown): boolean {
  let a: unknown = left;
  let b: unknown = right;
  if (typeof a === "string" && typeof b === "string") {
    a = a.toLowerCase();
    b = b.toLowerCase();
  } else if (typeof a !== typeof b || a === null || b === null) {
    a = Number(a ?? 0);
    b = Number(b ?? 0);
  }
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return (a as number) < (b as number);
    case ">":
      return (a as number) > (b as number);
    case "<=":
      return (a as number) <= (b as number);
    default:
      return (a as number) >= (b as number);
  }
}

function call(name: string, args: unknown[]): unknown {
  const [first, second] = args;
  switch (name) {
    case "contains":
      return Array.isArray(first)
        ? first.some((item) => compare("==", item, second))
        : asString(first).toLowerCase().includes(asString(second).toLowerCase());
    case "startsWith":
      return asString(first).toLowerCase().startsWith(asString(second).toLowerCase());
    case "endsWith":
      return asString(first).toLowerCase().endsWith(asString(second).toLowerCase());
    case "format":
      return asString(first).replace(/\{(\d+)\}/g, (_whole, index: string) =>
        asString(args[Number(index) + 1]),
      );
    default:
      throw new Error(`the test evaluator does not know ${name}()`);
  }
}
