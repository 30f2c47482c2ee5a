/**
 * Scrubs secrets from anything about to be logged. Two layers: the exact values of configured secrets (whatever
 * field they end up in), and shapes that are always secret (KS strings, `ks=` query values, bearer/bot tokens,
 * JWTs). Applied to every string in a log record, so a secret cannot leak through a message, an error's text or
 * a nested field.
 */
import { IncomingMessage, ServerResponse } from 'node:http';

export const REDACTED = '[REDACTED]';

/** Record keys whose Node HTTP objects the logger's own serializers reduce to a few scrubbed fields. */
const SERIALIZED_HTTP_KEYS = new Set(['req', 'res']);

const PATTERNS: Array<[RegExp, string]> = [
  [/\bdjJ8[A-Za-z0-9_\-=]{8,}/g, REDACTED], // KS v2 (base64url of "v2|")
  [/([?&]ks=)[^&\s"']+/gi, `$1${REDACTED}`], // ks in URLs
  [/\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`], // Authorization header values
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED], // JWTs
  [/\bkd_(live|rt)_[A-Za-z0-9_-]{16,}/g, REDACTED], // this service's API keys and refresh tokens
];

/** Field names whose values are secret regardless of content. */
const SECRET_KEY = /(secret|token|password|authorization|cookie|signature|api[-_]?key|^ks$)/i;
/** The same names as they appear as keys in JSON text. */
const SECRET_KEY_JSON =
  /"[^"]*(secret|token|password|authorization|cookie|signature|api[-_]?key)[^"]*"\s*:|"ks"\s*:/i;

export class Redactor {
  private readonly values: string[];
  /** The values as they look inside JSON text (quotes, backslashes and control characters escaped). */
  private readonly needles: string[];

  /** @param secrets configured secret values; short ones are ignored to avoid scrubbing common words. */
  constructor(secrets: Array<string | undefined>) {
    this.values = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 6))].sort(
      (a, b) => b.length - a.length,
    );
    this.needles = this.values.map((v) => JSON.stringify(v).slice(1, -1));
  }

  /**
   * True when nothing in `value` can be secret: the common case, answered with one serialisation instead of a
   * deep copy. Conservative: errors (whose text JSON does not show), cycles, secret-looking keys, configured
   * values and secret shapes all send the record down the full path.
   */
  private isClean(value: object): boolean {
    let hasError = false;
    let text: string | undefined;
    try {
      text = JSON.stringify(value, (_key, v: unknown) => {
        if (v instanceof Error) hasError = true;
        return v;
      });
    } catch {
      return false;
    }
    if (hasError) return false;
    if (text === undefined) return true;
    if (SECRET_KEY_JSON.test(text)) return false;
    if (this.needles.some((n) => text.includes(n))) return false;
    return !PATTERNS.some(([re]) => {
      re.lastIndex = 0;
      const hit = re.test(text);
      re.lastIndex = 0;
      return hit;
    });
  }

  redactString(input: string): string {
    let out = input;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join(REDACTED);
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  }

  /**
   * A log record before pino serialises it: like `redact`, except that a raw `IncomingMessage` / `ServerResponse`
   * under `req` / `res` is passed on untouched, for the logger's `req` / `res` serializers to reduce to
   * method, scrubbed URL and status. Walking one would copy its socket, server and parser (cyclic, so never the
   * clean fast path): a quarter of the CPU of a small API request went there. Anything else under those keys
   * (a plain object, a string) is scrubbed as usual.
   */
  redactRecord(record: Record<string, unknown>): Record<string, unknown> {
    let http: Array<[string, unknown]> | undefined;
    for (const key of SERIALIZED_HTTP_KEYS) {
      const value = record[key];
      if (value instanceof IncomingMessage || value instanceof ServerResponse)
        (http ??= []).push([key, value]);
    }
    if (!http) return this.redact(record) as Record<string, unknown>;
    const rest = { ...record };
    for (const [key] of http) delete rest[key];
    // `rest` is this call's own copy: returned as it is when clean, so adding the HTTP objects back is safe.
    return Object.assign(this.redact(rest) as Record<string, unknown>, Object.fromEntries(http));
  }

  /** Deep copy of `value` with secrets scrubbed; cycles and depth are bounded. */
  redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (depth === 0 && this.isClean(value)) return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1, seen));
    if (value instanceof Error) {
      return {
        type: value.name,
        message: this.redactString(value.message),
        stack: this.redactString(value.stack ?? ''),
      };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number')
          ? REDACTED
          : this.redact(v, depth + 1, seen);
    }
    return out;
  }
}
