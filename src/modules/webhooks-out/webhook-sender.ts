import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  Resolver,
  TargetPolicy,
  TargetRefusedError,
  checkTargetUrl,
  resolveTarget,
  systemResolver,
} from './domain/target-guard';

/** What a request came to. `status` null: no answer (network error, timeout, refused target). */
export interface SendResult {
  status: number | null;
  /** From `Retry-After` (seconds or an HTTP-date), when the answer had one. */
  retryAfterMs: number | null;
  /** Why there was no answer (no secrets: the URL is the admin's, the error is the socket's). */
  error: string | null;
  refused: boolean;
}

/** `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Sends one signed POST. SSRF-safe: the target is checked again at every delivery (its DNS may have changed since
 * registration) and the socket connects to the address that was checked (`lookup` pinned), never to a second
 * answer; redirects are not followed (a 3xx is an answer like any other); the whole request is cut at the timeout.
 * Keep-alive agents reuse connections to the same receiver.
 */
export class WebhookSender {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };

  constructor(private readonly options: { timeoutMs: number; policy: TargetPolicy; resolve?: Resolver }) {}

  async send(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    let address: { address: string; family: 4 | 6 };
    let url: URL;
    try {
      url = checkTargetUrl(rawUrl, this.options.policy);
      address = await resolveTarget(url, this.options.policy, this.options.resolve ?? systemResolver);
    } catch (err) {
      const message = err instanceof TargetRefusedError ? `target refused: ${err.message}` : String(err);
      return { status: null, retryAfterMs: null, error: message, refused: err instanceof TargetRefusedError };
    }
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [address]);
      else callback(null, address.address, address.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<SendResult>((resolve) => {
      const req = client.request(
        url,
        {
          method: 'POST',
          agent: this.agents[url.protocol as 'http:' | 'https:'],
          lookup: pinned,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          // The body is not needed (the status says it all); drain it so the socket returns to the pool.
          res.resume();
          res.on('end', () => {
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? null,
              retryAfterMs: parseRetryAfter(res.headers['retry-after']),
              error: null,
              refused: false,
            });
          });
          res.on('error', (err) => done(err));
        },
      );
      const done = (err: Error) => {
        clearTimeout(timer);
        resolve({ status: null, retryAfterMs: null, error: err.message, refused: false });
      };
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      req.on('error', done);
      req.end(body);
    });
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
