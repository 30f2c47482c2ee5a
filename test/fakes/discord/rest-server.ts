import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, parseBody, readBody, writeResponse, type RestResponse } from './http';
import { RateLimits } from './rate-limits';
import { rateLimitResponse, RestFaults } from './rest-faults';
import { checkSpecBody, specSchemas } from './spec-schemas';
import type { FakeDiscordState } from './state';
import type { RecordedCall, RecordedFile } from './types';

/** How a route authenticates: bot token, user bearer token, either, or none (webhook / interaction tokens). */
export type AuthMode = 'bot' | 'bearer' | 'bot-or-bearer' | 'none';

/** Everything a route handler gets. */
export interface RouteContext {
  state: FakeDiscordState;
  call: RecordedCall;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
  /** The user behind a bearer token (bearer routes only). */
  bearerUserId: string | null;
  /** `ws://127.0.0.1:PORT/gateway`. */
  gatewayUrl: string;
}

/** A REST route: `pattern` segments starting with `:` are parameters. */
export interface Route {
  method: string;
  pattern: string;
  auth: AuthMode;
  handle: (ctx: RouteContext) => RestResponse;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

const compile = (route: Route): CompiledRoute => {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}$`), names };
};

/** Serves `/api[/v10]/...`: records every call, applies injected faults, authenticates and routes. */
export class RestServer {
  readonly faults = new RestFaults();
  readonly rateLimits: RateLimits;
  private readonly routes: CompiledRoute[];
  private readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly state: FakeDiscordState,
    routes: Route[],
    private readonly gatewayUrl: () => string,
  ) {
    this.routes = routes.map(compile);
    this.rateLimits = new RateLimits({
      globalRateLimit: state.settings.globalRateLimit,
      routeRateLimit: state.settings.routeRateLimit,
      applicationId: state.settings.applicationId,
    });
    // Load the schemas now (about 0.1 s) rather than inside the first request a test may be timing.
    if (state.settings.validate && state.settings.specSchemas) specSchemas();
  }

  /** The node:http request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) writeResponse(res, { status: 500, body: { message: String(error), code: 0 } });
    });
  };

  /** Ends requests left hanging by a `hang` or `hold` fault (on stop). */
  releaseHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const versioned = /^\/api(?:\/v(\d+))?(\/.*)$/.exec(url.pathname);
    const path = versioned ? versioned[2].split('/').map(decodeSegment).join('/') : url.pathname;
    const { body, files } = parseBody(req.headers['content-type'], raw);
    const call: RecordedCall = {
      index: this.state.calls.length,
      method,
      path,
      rawUrl: req.url ?? '/',
      route: null,
      query: Object.fromEntries(url.searchParams),
      body,
      files,
      headers: {
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        userAgent: req.headers['user-agent'],
        auditLogReason: header(req, 'x-audit-log-reason'),
      },
      at: Date.now(),
      status: 0,
      fault: null,
      responseBody: undefined,
    };
    this.state.calls.push(call);
    if (!versioned || (versioned[1] !== undefined && versioned[1] !== '10')) {
      return this.finish(res, call, errors.notFound());
    }
    const fault = this.faults.take(method, path, body);
    if (fault) {
      call.fault = fault.kind;
      switch (fault.kind) {
        case 'rateLimit':
          call.rateLimitScope = fault.global ? 'global' : fault.scope;
          return this.finish(res, call, rateLimitResponse(fault, method, path));
        case 'status':
          return this.finish(res, call, { status: fault.status, body: fault.body, headers: fault.headers });
        case 'hang':
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return this.state.waiters.notify();
        case 'drop':
          // A TCP reset (ECONNRESET), which @discordjs/rest retries like a real network blip.
          req.socket.resetAndDestroy();
          return this.state.waiters.notify();
        case 'hold': {
          // Discord did the work (the message exists) but the answer never reaches the client.
          const withheld = this.route(method, path, call, body, files, req);
          call.heldStatus = withheld.status;
          call.responseBody = withheld.body;
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return this.state.waiters.notify();
        }
        case 'lostAnswer': {
          const done = this.route(method, path, call, body, files, req);
          call.heldStatus = done.status;
          return this.finish(res, call, {
            status: fault.status,
            body: { message: `${fault.status}: Bad Gateway`, code: 0 },
          });
        }
      }
    }
    const botAuthenticated = req.headers.authorization === `Bot ${this.state.settings.token}`;
    const globalLimited = this.rateLimits.checkGlobal(path, botAuthenticated);
    if (globalLimited) return this.finish(res, call, globalLimited);
    return this.finish(res, call, this.route(method, path, call, body, files, req));
  }

  private route(
    method: string,
    path: string,
    call: RecordedCall,
    body: unknown,
    files: RecordedFile[],
    req: IncomingMessage,
  ): RestResponse {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.regex.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      call.route = `${route.method} ${route.pattern}`;
      const auth = this.authenticate(route.auth, req.headers.authorization);
      if (!auth.ok) return errors.unauthorized();
      const bucket = this.rateLimits.takeRoute(method, path, call.route);
      if ('limited' in bucket) return bucket.limited;
      const withBucket = (response: RestResponse): RestResponse => ({
        ...response,
        headers: { ...bucket.headers, ...response.headers },
      });
      const settings = this.state.settings;
      const invalid = settings.validate && settings.specSchemas ? checkSpecBody(call.route, body) : null;
      if (invalid) return withBucket({ status: 400, body: invalid });
      const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]]));
      return withBucket(
        route.handle({
          state: this.state,
          call,
          params,
          query: call.query,
          body,
          files,
          bearerUserId: auth.userId,
          gatewayUrl: this.gatewayUrl(),
        }),
      );
    }
    return pathMatched
      ? { status: 405, body: { message: '405: Method Not Allowed', code: 0 } }
      : errors.notFound();
  }

  private authenticate(
    mode: AuthMode,
    authorization: string | undefined,
  ): { ok: boolean; userId: string | null } {
    if (mode === 'none') return { ok: true, userId: null };
    const [scheme, token] = (authorization ?? '').split(' ');
    if (scheme === 'Bot' && mode !== 'bearer')
      return { ok: token === this.state.settings.token, userId: null };
    if (scheme === 'Bearer' && mode !== 'bot') {
      const userId = this.state.userForToken(token ?? '')?.userId ?? null;
      return { ok: userId !== null, userId };
    }
    return { ok: false, userId: null };
  }

  private finish(res: ServerResponse, call: RecordedCall, response: RestResponse): void {
    call.status = response.status;
    call.responseBody = response.body;
    writeResponse(res, response);
    this.state.waiters.notify();
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
