/**
 * Where JSON.parse gave up on `text`, as a 1-based line and column: Node 20's messages name no
 * line, and some (`Unexpected token`, the end of the input) no position either. Only called on
 * text that JSON.parse rejected.
 */
export function jsonSyntaxErrorAt(text: string): { line: number; column: number } {
  const at = syntaxErrorOffset(text);
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

const LITERAL = /true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** The offset of the first character that cannot continue a JSON text (its length when none). */
function syntaxErrorOffset(text: string): number {
  let at = 0;
  const skipSpace = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const string = (): boolean => {
    skipSpace();
    if (text[at] !== '"') return false;
    for (at++; ; at++) {
      if (at >= text.length) return false;
      const char = text[at];
      if (char === '"') break;
      if (char < ' ') return false;
      if (char === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) return false;
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? '')) return false;
      }
    }
    at++;
    return true;
  };
  const member = (): boolean => {
    if (!string()) return false;
    skipSpace();
    if (text[at] !== ':') return false;
    at++;
    return true;
  };
  // The closers of the open containers: a stack of our own, so that deep nesting cannot overflow the call stack.
  const closers: string[] = [];
  for (;;) {
    skipSpace();
    const char = text[at];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      at++;
      skipSpace();
      if (text[at] !== close) {
        closers.push(close);
        if (close === '}' && !member()) return at;
        continue;
      }
      at++;
    } else if (char === '"') {
      if (!string()) return at;
    } else {
      LITERAL.lastIndex = at;
      if (!LITERAL.test(text)) return at;
      at = LITERAL.lastIndex;
    }
    // A value ended: close what it ends, until a comma starts the next value.
    for (;;) {
      skipSpace();
      const close = closers[closers.length - 1];
      if (close === undefined) return at;
      if (text[at] === ',') {
        at++;
        if (close === '}' && !member()) return at;
        break;
      }
      if (text[at] !== close) return at;
      at++;
      closers.pop();
    }
  }
}
