import type { Response } from 'supertest';

/** One bad input sent to an HTTP entry point. */
export interface HttpCase {
  /** What is wrong with it (the test title). */
  name: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  /** Raw bytes or text sent untouched; objects are sent as JSON. */
  body?: string | Buffer | object;
  /** Content-Type to send (`null`: none at all). Defaults to application/json when there is a body. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Status codes accepted for this case (all 4xx); default: any 4xx. */
  expect?: number[];
}

/**
 * What every bad input must get: a client error, never a server error, and (for JSON APIs) an RFC 9457 problem
 * body with a stable `code`, so the caller can tell what they did wrong.
 */
export function expectClientError(res: Response, allowed?: number[], problem = true): void {
  // Status and a body excerpt together, so a failure shows what the app answered.
  const seen = `${res.status} ${res.text.slice(0, 300)}`;
  const ok = res.status >= 400 && res.status < 500 && (!allowed || allowed.includes(res.status));
  expect({ ok, seen, allowed: allowed ?? '4xx' }).toEqual({ ok: true, seen, allowed: allowed ?? '4xx' });
  if (problem) {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: res.status,
      code: expect.any(String),
      requestId: expect.any(String),
    });
  }
}

/** A few thousand bytes of noise that are not valid UTF-8 or JSON. */
export function randomBytes(size: number, seed = 7): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x & 0xff;
  }
  return out;
}

/** Strings every text field is tried with. */
export const HOSTILE_STRINGS = {
  empty: '',
  blank: '   \t  ',
  controlChars: 'Stand\u0000up\u0007\u001b[31m',
  huge: 'x'.repeat(20_000),
  rtlOverride: '\u202Eevil\u202C',
  nul: '\u0000',
} as const;
