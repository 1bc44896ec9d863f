import {
  DefaultTokenResolver,
  Token,
  Tokenization,
  type IFragmentConcatenator,
  type IPostProcessor,
  type IResolvable,
  type IResolveContext,
  type ITokenResolver,
  type ResolveChangeContextOptions,
  type Stack,
  type TokenizedStringFragments,
} from 'aws-cdk-lib';

/*
 * `stack.resolve(value)` for one validation run, at a fraction of its cost. Before synth, rules read
 * values that CDK has not rendered yet, and resolving them is most of a run. CDK's resolver pays, on
 * every value, for generality a template value does not need (a context object per nested value,
 * type-hint tags, deprecation checks on each call), and resolves every occurrence of a token afresh:
 * a logical ID is an MD5 of its construct path, recomputed for every reference to the resource.
 *
 * Here, plain data (strings without tokens, numbers, lists, objects) is walked directly, and each
 * token is resolved once per run by its own `resolve`, then its value walked the same way and given
 * to the post-processor it registered (IAM's policy minimisation), as CDK does. Anything unusual
 * (encoded lists and numbers, token keys, resolve options a token asks for, values CDK refuses)
 * goes to CDK's own resolver, with this one resolving its tokens. What this file restates is how a
 * template string joins its fragments, which CDK keeps private. stack-resolver.test.ts holds every
 * value equal to `stack.resolve` on apps that use each case.
 */

/**
 * Resolves values as their stack's template has them, each token once. One per stack per run: a
 * token's value depends on the stack that consumes it (a cross-stack reference is an import), and
 * on the construct tree, which a run only reads.
 */
export class StackResolver implements ITokenResolver {
  private readonly resolvedTokens = new Map<IResolvable, unknown>();
  /** Strings that hold tokens, resolved: the same ARN or name string comes back in many values. */
  private readonly resolvedTexts = new Map<string, unknown>();
  /** Where the walk is in the value, as CDK's `documentPath` (tokens name it in their errors). */
  private readonly path: string[] = [];
  /** CDK's own handling of encoded lists, which must be tokens alone (rare in properties). */
  private readonly lists = new DefaultTokenResolver(TEMPLATE_CONCAT);

  constructor(public readonly stack: Stack) {}

  /** The value as `stack.resolve(value)` gives it. */
  public resolve(value: unknown): unknown {
    try {
      return this.walk(value);
    } catch (error) {
      if (error !== TOO_DEEP) throw error;
      // CDK refuses it, with the path it found too deep.
      this.path.length = 0;
      return this.resolveByCdk(value);
    }
  }

  private walk(value: unknown): unknown {
    switch (typeof value) {
      case 'string':
        return this.resolveText(value);
      case 'number':
        // CDK encodes number tokens as huge doubles.
        return value > -1e287 && value < 1e287 ? value : this.resolveByCdk(value);
      case 'boolean':
      case 'undefined':
        return value;
      case 'object':
        if (value === null || value instanceof Date) return value;
        if (Array.isArray(value)) return this.resolveArray(value);
        if (typeof (value as Partial<IResolvable>).resolve === 'function') {
          return this.resolveOnce(value as IResolvable);
        }
        // A circular value (a construct, for one): CDK gives up at the same depth.
        if (this.path.length > 200) throw TOO_DEEP;
        return this.resolveObject(value as Record<string, unknown>);
      default:
        // Functions, symbols, bigints: CDK's error says why they cannot be in a template.
        return this.resolveByCdk(value);
    }
  }

  /** CDK's resolver calls this for the tokens it meets while it resolves a value for this one. */
  public resolveToken(token: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    const resolve = () => postProcessor.postProcess(context.resolve(token.resolve(context)), context);
    return token instanceof ResolvedWithOptions ? resolve() : this.cached(token, resolve);
  }

  public resolveString(fragments: TokenizedStringFragments, context: IResolveContext): unknown {
    return fragments.mapTokens({ mapToken: (token) => context.resolve(token) }).join(TEMPLATE_CONCAT);
  }

  public resolveList(list: string[], context: IResolveContext): unknown {
    return this.lists.resolveList(list, context);
  }

  private resolveText(text: string): unknown {
    if (!text.includes('Token[')) return mayEncodeNumber(text) ? this.resolveByCdk(text) : text;
    // An encoded list in a string is an error CDK explains.
    if (text.includes('#{Token[')) return this.resolveByCdk(text);
    const known = this.resolvedTexts.get(text);
    // A string that resolves to undefined (a Lazy producing nothing) is simply resolved again.
    if (known !== undefined) return known;
    const fragments = Tokenization.reverseString(text);
    const resolved =
      fragments.tokens.length === 0
        ? text
        : fragments.length === 1
          ? this.resolveOnce(fragments.firstToken!)
          : fragments.mapTokens({ mapToken: (token) => this.resolveOnce(token) }).join(TEMPLATE_CONCAT);
    this.resolvedTexts.set(text, resolved);
    return resolved;
  }

  private resolveArray(list: readonly unknown[]): unknown {
    for (const item of list) {
      if (typeof item === 'string' && item.includes('#{Token[')) {
        // An encoded list (`Lazy.list`, a list attribute) is one token standing for the whole list.
        const token = list.length === 1 ? Tokenization.reverseList(list as string[]) : undefined;
        return token ? this.resolveOnce(token) : this.resolveByCdk(list);
      }
    }
    const resolved: unknown[] = [];
    for (let index = 0; index < list.length; index++) {
      this.path.push(String(index));
      const item = this.walk(list[index]);
      this.path.pop();
      if (item !== undefined) resolved.push(item);
    }
    return resolved;
  }

  private resolveObject(object: Record<string, unknown>): unknown {
    const resolved: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      // A key that is a token may resolve to an intrinsic, which CDK refuses with advice.
      if (key.includes('Token[') || mayEncodeNumber(key)) return this.resolveByCdk(object);
      this.path.push(key);
      const value = this.walk(object[key]);
      this.path.pop();
      if (value !== undefined) resolved[key] = value;
    }
    return resolved;
  }

  /** A token's value: its own `resolve`, the result resolved in turn, then its post-processor. */
  private resolveOnce(token: IResolvable): unknown {
    return this.cached(token, () => {
      let postProcessor: IPostProcessor | undefined;
      const documentPath = [...this.path];
      const context: IResolveContext = {
        scope: this.stack,
        preparing: false,
        documentPath,
        registerPostProcessor: (registered) => (postProcessor = registered),
        resolve: (value, options) => (options ? this.resolveByCdk(value, options) : this.walk(value)),
      };
      const resolved = this.walk(token.resolve(context));
      return postProcessor ? postProcessor.postProcess(resolved, context) : resolved;
    });
  }

  private cached(token: IResolvable, resolve: () => unknown): unknown {
    if (this.resolvedTokens.has(token)) return this.resolvedTokens.get(token);
    let resolved: unknown;
    try {
      resolved = resolve();
    } catch (error) {
      // The wording of CDK's resolver, once, however deep the token that failed.
      if (error instanceof Error && !error.message.startsWith('Resolution error: ')) {
        error.message = `Resolution error: ${error.message}.`;
      }
      throw error;
    }
    this.resolvedTokens.set(token, resolved);
    return resolved;
  }

  /**
   * CDK's own resolution of a value, with this resolver for its tokens. Options a token passes
   * (`allowIntrinsicKeys` for JSON rendering) reach CDK's resolver through the context it gives
   * a token, so the value is wrapped in one.
   */
  private resolveByCdk(value: unknown, options?: ResolveChangeContextOptions): unknown {
    const wrapped = options ? new ResolvedWithOptions(value, options) : value;
    return Tokenization.resolve(wrapped, { scope: this.stack, resolver: this, preparing: false });
  }
}

/** Thrown up the walk when a value nests deeper than CDK allows. */
const TOO_DEEP = new Error('too deep to resolve');

/** A value CDK resolves with the options a token asked for (never cached: each is used once). */
class ResolvedWithOptions implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(
    private readonly value: unknown,
    private readonly options: ResolveChangeContextOptions,
  ) {}

  public resolve(context: IResolveContext): unknown {
    return context.resolve(this.value, this.options);
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/** CDK's test for a string that may hold an encoded number token. */
function mayEncodeNumber(text: string): boolean {
  return text.length >= 16 && text.includes('e+289');
}

/**
 * How a template string joins its fragments once they are resolved: two literals are one string;
 * anything else is one flat `Fn::Join` on '' (inner '' joins spliced in, neighbouring literals
 * merged), the shape CDK writes.
 */
const TEMPLATE_CONCAT: IFragmentConcatenator = {
  join(left: unknown, right: unknown): unknown {
    if (left === undefined) return right ?? '';
    if (right === undefined) return left;
    if (isLiteral(left) && isLiteral(right)) return `${left}${right}`;
    const parts: unknown[] = [];
    appendJoinPart(parts, left);
    appendJoinPart(parts, right);
    return { 'Fn::Join': ['', parts] };
  },
};

function appendJoinPart(parts: unknown[], part: unknown): void {
  const inner = emptyDelimiterJoinList(part);
  if (inner) {
    for (const innerPart of inner) appendJoinPart(parts, innerPart);
    return;
  }
  const last = parts.length - 1;
  if (last >= 0 && isLiteral(parts[last]) && isLiteral(part)) parts[last] = `${parts[last]}${part}`;
  else parts.push(part);
}

/** The list of a `{ 'Fn::Join': ['', [...]] }`, whose parts a join on '' can take in directly. */
function emptyDelimiterJoinList(value: unknown): readonly unknown[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'Fn::Join') return undefined;
  const [delimiter, list] = (value as { 'Fn::Join': unknown[] })['Fn::Join'];
  return delimiter === '' && Array.isArray(list) ? list : undefined;
}

/** A string or number with no token in it: joined fragments of these stay one literal. */
function isLiteral(value: unknown): value is string | number {
  return (typeof value === 'string' || typeof value === 'number') && !Token.isUnresolved(value);
}
