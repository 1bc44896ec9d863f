/*
 * What the lazy Request and Response share: a body held as bytes, read without streams by the plain
 * reads, and every other member of undici's prototype forwarded to the real object, built on first need.
 */

/** The state behind one lazy object. */
export interface LazyBodyState<Real> {
  /** Undefined for a null body. */
  readonly bytes: Uint8Array | undefined;
  /**
   * The bytes are a buffer no one else will read (the adapter's copy of a request body): the one read
   * `arrayBuffer()` or `bytes()` allows may hand that buffer over instead of copying it.
   */
  readonly handOver?: boolean;
  /** Whether a plain read (or an adapter) consumed the body. */
  used: boolean;
  /** Undici's object, once something needed it. */
  real: Real | undefined;
}

export interface LazyMembers<State extends LazyBodyState<object>> {
  /** `Request` or `Response`: how errors name the member. */
  readonly owner: string;
  readonly states: WeakMap<object, State>;
  /** Builds undici's object from the state (once; the caller stores it). */
  readonly build: (state: State) => object;
  /** Getters answered from the state; each consults the real object itself where that matters. */
  readonly getters: Record<string, (state: State) => unknown>;
  /** Synchronous methods answered from the state while there is no real object. */
  readonly methods?: Record<string, (state: State) => unknown>;
}

const utf8 = new TextDecoder();
const inspect = Symbol.for('nodejs.util.inspect.custom');

/** The state of a lazy object, or the TypeError undici gives for a foreign `this`. */
export function stateOf<State>(states: WeakMap<object, State>, value: unknown, member: string): State {
  const state = states.get(value as object);
  if (state === undefined) throw new TypeError(`Illegal invocation of ${member}`);
  return state;
}

/** Undici's object for a state, built once; a body a plain read consumed is consumed there too. */
export function realOf<State extends LazyBodyState<object>>(
  members: LazyMembers<State>,
  state: State,
): object {
  if (state.real === undefined) {
    state.real = members.build(state);
    // Reading starts synchronously, so the real body is disturbed (bodyUsed) at once.
    if (state.used) (state.real as Body).arrayBuffer().catch(() => undefined);
  }
  return state.real;
}

/** The bytes for one plain read, with undici's answer to a second read of a non-null body. */
function consume(owner: string, state: LazyBodyState<object>, member: string): Uint8Array {
  if (state.bytes === undefined) return new Uint8Array(0);
  if (state.used) throw new TypeError(`Body is unusable: Body has already been read (${owner}.${member})`);
  state.used = true;
  return state.bytes;
}

/**
 * The bytes as a fresh ArrayBuffer. A body can be read once, so a buffer that is the state's alone is
 * handed over whole (for a 20 MB upload that saves a 20 MB copy); any other is copied, because the bytes
 * belong to the lazy object (or the adapter) and never change.
 */
function ownBuffer(bytes: Uint8Array, state: LazyBodyState<object>): ArrayBuffer {
  const whole =
    state.handOver === true &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
}

const plainReads: Record<string, (owner: string, state: LazyBodyState<object>) => unknown> = {
  text: (owner, state) => utf8.decode(consume(owner, state, 'text')),
  json: (owner, state) => JSON.parse(utf8.decode(consume(owner, state, 'json'))) as unknown,
  arrayBuffer: (owner, state) => ownBuffer(consume(owner, state, 'arrayBuffer'), state),
  bytes: (owner, state) => new Uint8Array(ownBuffer(consume(owner, state, 'bytes'), state)),
};

/**
 * Defines on `prototype` every member of undici's `realPrototype` (today's and later Node versions'):
 * the state's answer while there is no real object, else the real object's.
 */
export function defineLazyMembers<State extends LazyBodyState<object>>(
  prototype: object,
  realPrototype: object,
  members: LazyMembers<State>,
): void {
  const { owner, states } = members;
  Object.defineProperties(prototype, {
    [Symbol.toStringTag]: { value: owner, configurable: true },
    [inspect]: {
      value(this: unknown, ...args: unknown[]) {
        const real = realOf(members, stateOf(states, this, `${owner}.inspect`));
        return (real as Record<symbol, (...a: unknown[]) => unknown>)[inspect](...args);
      },
    },
  });
  for (const member of Object.getOwnPropertyNames(realPrototype)) {
    if (member === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(realPrototype, member)!;
    const name = `${owner}.${member}`;
    if (descriptor.get !== undefined) {
      const plain = members.getters[member];
      Object.defineProperty(prototype, member, {
        get(this: unknown) {
          const state = stateOf(states, this, name);
          if (plain !== undefined) return plain(state);
          return (realOf(members, state) as Record<string, unknown>)[member];
        },
        configurable: true,
      });
    } else if (typeof descriptor.value === 'function') {
      const method = members.methods?.[member];
      const read = plainReads[member];
      Object.defineProperty(prototype, member, {
        value(this: unknown, ...args: unknown[]) {
          const state = stateOf(states, this, name);
          if (state.real === undefined && method !== undefined) return method(state);
          if (state.real === undefined && read !== undefined) {
            try {
              return Promise.resolve(read(owner, state));
            } catch (error) {
              return Promise.reject(error);
            }
          }
          return (realOf(members, state) as Record<string, (...a: unknown[]) => unknown>)[member](...args);
        },
        writable: true,
        configurable: true,
      });
    }
  }
}
