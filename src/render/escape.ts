/**
 * Text renderers show data from outside (file names, certificate names, messages that
 * quote them): every string of a report is escaped once, at the renderer's entry, with
 * the one escaping function (escapeControlCharacters, src/core/errors.ts), so no field a
 * renderer prints, now or later, can move the cursor, recolor, reorder or forge a line.
 * JSON escapes them as \uXXXX (renderJson, src/render/json.ts).
 */
import { escapeControlCharacters } from '../core/errors.js';

export { escapeControlCharacters };

/** A deep copy of plain data (objects, arrays) with every string escaped. */
export function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeControlCharacters(value) as T;
  if (Array.isArray(value)) return value.map((item) => escapeStrings(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = escapeStrings(item);
    return out as T;
  }
  return value;
}
