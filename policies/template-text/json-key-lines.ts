/** The 1-based line of a top-level section of a template and of each key directly inside it. */
export interface SectionLines {
  readonly line: number;
  readonly keys: ReadonlyMap<string, number>;
}

/** A key written twice in one object, which JSON.parse silently collapses into the last value. */
export interface DuplicateKey {
  readonly key: string;
  /** The section the key is in, or undefined for a top-level key. */
  readonly section?: string;
  readonly line: number;
  readonly firstLine: number;
}

export interface JsonKeyLines {
  /** Each top-level key and, for object-valued sections, the keys one level below (logical IDs under Resources). */
  readonly sections: ReadonlyMap<string, SectionLines>;
  /** Duplicate keys at those two levels, in the order they appear; each keeps its first line above. */
  readonly duplicates: readonly DuplicateKey[];
}

/**
 * The lines of the top-level keys and of the keys one level below, from a token scan of text
 * JSON.parse accepted (JSON.parse keeps no positions): a key is matched by its place in the
 * structure, never by searching the text, so a logical ID that also appears in a string elsewhere
 * is not confused with it.
 */
export function jsonKeyLines(text: string): JsonKeyLines {
  const sections = new Map<string, { line: number; keys: Map<string, number> }>();
  const duplicates: DuplicateKey[] = [];
  // One frame per open container: whether it is an object expecting a key, and its section, if any.
  const frames: { object: boolean; expectKey: boolean; section?: string; seen?: Map<string, number> }[] = [];
  let line = 1;
  let pendingKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 10) {
      line++;
    } else if (char === 34 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      const frame = frames[frames.length - 1];
      if (frame?.object && frame.expectKey) {
        frame.expectKey = false;
        if (frames.length > 2) continue;
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        pendingKey = key;
        const first = frame.seen?.get(key);
        if (first !== undefined) {
          duplicates.push({ key, section: frame.section, line, firstLine: first });
          continue;
        }
        frame.seen?.set(key, line);
        if (frames.length === 1) {
          if (!sections.has(key)) sections.set(key, { line, keys: new Map() });
        } else if (frame.section !== undefined) {
          const keys = sections.get(frame.section)?.keys;
          if (keys && !keys.has(key)) keys.set(key, line);
        }
      }
    } else if (char === 123 /* { */ || char === 91 /* [ */) {
      const object = char === 123;
      const section = frames.length === 1 && object ? pendingKey : undefined;
      frames.push({ object, expectKey: object, section, seen: frames.length < 2 ? new Map() : undefined });
    } else if (char === 125 /* } */ || char === 93 /* ] */) {
      frames.pop();
    } else if (char === 44 /* , */) {
      const frame = frames[frames.length - 1];
      if (frame?.object) frame.expectKey = true;
    }
  }
  return { sections, duplicates };
}

/** The 1-based line of each resource's logical ID in a JSON template (the keys of the top-level `Resources`). */
export function resourceLinesOfJson(text: string): ReadonlyMap<string, number> {
  return jsonKeyLines(text).sections.get('Resources')?.keys ?? new Map<string, number>();
}
