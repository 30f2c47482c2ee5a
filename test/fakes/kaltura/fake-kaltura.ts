import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Params, parseParams } from './api-params';
import { FakeDispatcher } from './fake-kaltura.dispatch';
import { FakeKalturaStore } from './fake-kaltura.store';
import {
  FakeApiError,
  FakeKalturaCall,
  FakeKalturaOptions,
  FakeKalturaRequest,
  FakeMediaEntry,
  FakeNotificationTemplate,
  FakeScheduleEvent,
  FakeScheduleEventResource,
  FakeScheduleResource,
  FakeUser,
} from './fake-kaltura.types';

/**
 * A local Kaltura api_v3 server for tests (127.0.0.1, random port): JSON and form bodies, `session.start`,
 * `user` get/add, `scheduleResource` add/get/delete/list, `scheduleEvent` add/get/cancel,
 * `scheduleEventResource` add, `media` add/get/list/delete with recordings copied from template entries,
 * `eventNotificationTemplate` listTemplates/list/get/clone/update/updateStatus, multirequest with `{N:result:path}` references. Every other call must carry a
 * valid ADMIN KS for its partner (verified with the project's `parseKs`). API exceptions come back with
 * HTTP 200, like the real server.
 *
 * @example
 * const fake = new FakeKaltura();
 * const { url } = await fake.start();
 * const adapter = new KalturaClientAdapter({ partnerId: fake.partnerId, adminSecret: fake.adminSecret,
 *   serviceUrl: url, kafUrl: 'https://kaf.test', joinLinkTtl: 900 });
 * await adapter.createRoom({ meetingId: 'm1', title: 'Standup', type: 'meeting' });
 * expect(fake.callsTo('schedule_scheduleresource', 'add')).toHaveLength(1);
 * fake.failNextRequests(2);  // then: latency, resets, INVALID_KS, down/up
 * await fake.stop();
 */
export class FakeKaltura {
  readonly partnerId: number;
  readonly adminSecret: string;
  /** Every action executed, in order. */
  readonly calls: FakeKalturaCall[] = [];
  /** Every HTTP request received, in order (faulted ones included). */
  readonly requests: FakeKalturaRequest[] = [];
  /** TCP connections accepted since construction (a client that pools connections opens few). */
  connectionsOpened = 0;
  /**
   * Requests received and not yet finished (answered, faulted, or dropped because the client left), e.g. still
   * in `setLatency`'s delay: 0 means no late answer can reach a client any more.
   */
  inFlight = 0;

  private store: FakeKalturaStore;
  private readonly now: () => number;
  private server?: Server;
  private port = 0;
  private latencyMs = 0;
  private failuresLeft = 0;
  private failureStatus = 503;
  private resetsLeft = 0;
  private invalidKsLeft = 0;
  private blocked: { left: number; target?: string } = { left: 0 };
  private refusals: Array<{ target: string; code: string; when: (params: Params) => boolean }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly dispatcher: FakeDispatcher;

  constructor(options: FakeKalturaOptions = {}) {
    this.partnerId = options.partnerId ?? 4242;
    this.adminSecret = options.adminSecret ?? 'fake-admin-secret-0123456789abcdef';
    this.now = options.now ?? Date.now;
    this.store = new FakeKalturaStore(this.partnerId, this.adminSecret, this.now);
    this.dispatcher = new FakeDispatcher({
      partnerId: this.partnerId,
      adminSecret: this.adminSecret,
      now: this.now,
      store: () => this.store,
      calls: this.calls,
      takeInvalidKs: (service, action, ks) => this.takeInvalidKs(service, action, ks),
      refusal: (service, action, params) =>
        this.refusals.find((r) => r.target === `${service}.${action}` && r.when(params))?.code,
      takeBlocked: (service, action) => this.takeBlocked(service, action),
    });
  }

  /** Listens on 127.0.0.1 (a random port the first time, the same port after `goUp`). */
  async start(): Promise<{ url: string }> {
    if (this.server) return { url: this.url };
    const server = createServer((req, res) => void this.track(this.onRequest(req, res)));
    server.on('connection', () => this.connectionsOpened++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return { url: this.url };
  }

  /** Closes the server and every open connection; pending delayed answers are dropped. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Base URL to use as the Kaltura service URL (`http://127.0.0.1:<port>`). */
  get url(): string {
    if (!this.port) throw new Error('FakeKaltura is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  // ---- fault switches -------------------------------------------------------------------------------------

  /** Delays every answer by `ms` (0 turns it off). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** The next `count` HTTP requests get `status` (default 503) with an HTML body and are not executed. */
  failNextRequests(count: number, status = 503): void {
    this.failuresLeft = count;
    this.failureStatus = status;
  }

  /** The next `count` HTTP requests have their connection destroyed without an answer. */
  resetNextConnections(count: number): void {
    this.resetsLeft = count;
  }

  /** The next request carrying a KS is answered INVALID_KS (every slot of a multirequest), whatever the KS. */
  rejectNextKs(): void {
    this.invalidKsLeft = 1;
  }

  /**
   * Answers every `service.action` (as on the wire, e.g. `user.add`) whose params match `when` with the API
   * exception `code` instead of running it; in a multirequest only the matching slots fail.
   */
  refuseAction(target: string, code: string, when: (params: Params) => boolean = () => true): void {
    this.refusals.push({ target, code, when });
  }

  /**
   * Kaltura's rate limiter: the next `count` actions (of `target`, `service.action` as on the wire, when given) are
   * answered `ACTION_BLOCKED` (HTTP 200, exception body) instead of running. `Infinity` blocks until `clearFaults`.
   */
  blockActions(count: number, target?: string): void {
    this.blocked = { left: count, target };
  }

  /** Stops listening: connections are refused until `goUp`. */
  async goDown(): Promise<void> {
    await this.stop();
  }

  /** Listens again on the same port. */
  async goUp(): Promise<void> {
    await this.start();
  }

  /** Turns off every fault switch. */
  clearFaults(): void {
    this.latencyMs = 0;
    this.failuresLeft = 0;
    this.resetsLeft = 0;
    this.invalidKsLeft = 0;
    this.blocked = { left: 0 };
    this.refusals = [];
  }

  /** Forgets recorded calls and requests. */
  clearRecords(): void {
    this.calls.length = 0;
    this.requests.length = 0;
  }

  /** Back to a fresh fake: no data, no records, no faults (the port stays). */
  reset(): void {
    this.clearFaults();
    this.clearRecords();
    this.store = new FakeKalturaStore(this.partnerId, this.adminSecret, this.now);
  }

  // ---- recorded calls and stored data ---------------------------------------------------------------------

  /** Executed actions of one service/action (`service` as on the wire, e.g. `schedule_scheduleresource`). */
  callsTo(service: string, action: string): FakeKalturaCall[] {
    return this.calls.filter((c) => c.service === service && c.action === action);
  }

  resource(id: number): FakeScheduleResource | undefined {
    return this.store.resources.get(id);
  }
  /** All schedule resources, deleted ones included (status 3). */
  resources(): FakeScheduleResource[] {
    return [...this.store.resources.values()];
  }
  event(id: number): FakeScheduleEvent | undefined {
    return this.store.events.get(id);
  }
  events(): FakeScheduleEvent[] {
    return [...this.store.events.values()];
  }
  /** scheduleEventResource links. */
  links(): FakeScheduleEventResource[] {
    return [...this.store.links];
  }
  user(id: string): FakeUser | undefined {
    return this.store.users.get(id);
  }
  users(): FakeUser[] {
    return [...this.store.users.values()];
  }
  /** A media entry (templates and recordings included, deleted ones too). */
  entry(id: string): FakeMediaEntry | undefined {
    return this.store.entries.entries.get(id);
  }
  entries(): FakeMediaEntry[] {
    return [...this.store.entries.entries.values()];
  }

  /**
   * Kaltura recorded the session of schedule event `eventId`: a READY entry copied from the event's template
   * entry with `entry::copyTemplate` semantics (see `FakeEntries.recordFrom`). Fires no webhook: build one with
   * `entryReadyWebhook` and post it, or don't (a lost webhook).
   */
  recordSession(eventId: number, durationSeconds = 1_800): FakeMediaEntry {
    const event = this.store.events.get(eventId);
    if (!event?.templateEntryId) throw new Error(`FakeKaltura: event ${eventId} has no template entry`);
    return this.store.entries.recordFrom(event.templateEntryId, durationSeconds);
  }

  /** Stores an entry that is not the service's (e.g. another integration's, or one with no tags). */
  seedEntry(entry: Partial<FakeMediaEntry>): FakeMediaEntry {
    return this.store.entries.seed(entry);
  }

  /**
   * The body the cloned `HTTP_ENTRY_STATUS_EQUALS` template POSTs for an entry (object data, JSON format: the
   * `KalturaHttpNotification` envelope with the entry as `object`).
   */
  entryReadyWebhook(entry: FakeMediaEntry, jobId: number): string {
    return JSON.stringify({
      objectType: 'KalturaHttpNotification',
      eventNotificationJobId: jobId,
      templateId: 501,
      templateName: 'Entry Status Equals (HTTP)',
      templateSystemName: 'kaltura_discord_entry_ready',
      eventObjectType: 1,
      eventType: 3,
      object: { ...entry },
    });
  }

  /** The partner's own event notification templates (deleted ones included). */
  notificationTemplates(): FakeNotificationTemplate[] {
    return [...this.store.notificationTemplates.templates.values()];
  }

  /** Adds a user directly (no call recorded). */
  seedUser(user: { id: string; firstName?: string; lastName?: string; screenName?: string }): void {
    this.store.run('user', 'add', { user: { objectType: 'KalturaUser', ...user } });
  }

  // ---- HTTP -----------------------------------------------------------------------------------------------

  private async track(handling: Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await handling;
    } finally {
      this.inFlight--;
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = /^\/api_v3\/service\/([A-Za-z0-9_]+)(?:\/action\/([A-Za-z0-9_]+))?\/?$/.exec(url.pathname);
    const record: FakeKalturaRequest = {
      path: url.pathname,
      contentType: req.headers['content-type'],
      target: route ? (route[2] ? `${route[1]}.${route[2]}` : route[1]) : 'unknown',
    };
    this.requests.push(record);

    if (this.resetsLeft > 0) {
      this.resetsLeft--;
      record.fault = 'reset';
      req.socket.destroy();
      return;
    }
    if (this.latencyMs > 0) await this.delay(this.latencyMs);
    if (!this.server || res.destroyed) return;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      record.fault = 'http-error';
      record.status = this.failureStatus;
      res
        .writeHead(this.failureStatus, { 'Content-Type': 'text/html' })
        .end('<html><body>Service unavailable</body></html>');
      return;
    }
    if (!route) {
      record.status = 404;
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }

    let body: unknown;
    try {
      const params = parseParams(
        req.headers['content-type'],
        Buffer.concat(chunks).toString('utf8'),
        url.searchParams,
      );
      body =
        route[1] === 'multirequest' && !route[2]
          ? this.dispatcher.runMulti(params)
          : this.dispatcher.runOne(route[1], route[2] ?? '', params);
    } catch (error) {
      body =
        error instanceof FakeApiError
          ? error
          : new FakeApiError('INVALID_JSON', 'The request body is not valid');
    }
    record.status = 200;
    res
      .writeHead(200, { 'Content-Type': 'application/json', 'X-Me': 'fake-kaltura' })
      .end(JSON.stringify(body instanceof FakeApiError ? body.toJSON() : body));
  }

  private takeInvalidKs(service: string, action: string, ks: unknown): boolean {
    if (this.invalidKsLeft === 0 || `${service}.${action}` === 'session.start' || typeof ks !== 'string')
      return false;
    this.invalidKsLeft--;
    return true;
  }

  private takeBlocked(service: string, action: string): boolean {
    const { left, target } = this.blocked;
    if (left <= 0 || (target !== undefined && target !== `${service}.${action}`)) return false;
    this.blocked.left = left - 1;
    return true;
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
