import { Counter, Histogram, Registry } from 'prom-client';
import { DropJobError, RetryJobError, type SuspensionNotices } from '../notification';
import type { WebhookEndpoint } from './domain/webhook-endpoint';
import { InMemoryWebhookEndpointRepository } from './persistence/memory-webhook-endpoint.repository';
import { WebhookDeliveryService, classify } from './webhook-delivery.service';
import { type SendResult, type WebhookSender, parseRetryAfter } from './webhook-sender';
import { DEFAULT_WEBHOOKS_OUT_OPTIONS } from './webhooks-out.options';

const GUILD = '100000000000000001';
const endpoint = (over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: 'we_000000000000000000000001',
  guildId: GUILD,
  url: 'https://hooks.example.com/in',
  eventTypes: ['*'],
  description: '',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  enabled: true,
  disabledReason: null,
  consecutiveFailures: 0,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  createdBy: '100000000000000009',
  ...over,
});
const job = (endpointId = 'we_000000000000000000000001') => ({
  kind: 'webhook' as const,
  id: `evt_1.${endpointId}`,
  record: {
    endpointId,
    event: {
      id: 'evt_1',
      type: 'meeting.started',
      version: 1,
      guildId: GUILD,
      occurredAt: '2026-01-01T00:00:00.000Z',
      data: { meetingId: 'm1' },
    },
  },
});
const answer = (status: number | null, over: Partial<SendResult> = {}): SendResult => ({
  status,
  retryAfterMs: null,
  error: status === null ? 'ECONNRESET' : null,
  refused: false,
  ...over,
});

function world(results: SendResult[], options = {}) {
  const repo = new InMemoryWebhookEndpointRepository();
  const sent: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  const sender = {
    send: async (url: string, headers: Record<string, string>, body: string) => {
      sent.push({ url, headers, body });
      const next = results.shift();
      if (!next) throw new Error('unplanned request');
      return next;
    },
  } as unknown as WebhookSender;
  const told: Array<{ guildId: string; key: string; content: string }> = [];
  const notices = {
    tellAdmins: async (guildId: string, key: string, content: string) => {
      told.push({ guildId, key, content });
      return 'sent';
    },
  } as unknown as SuspensionNotices;
  const registers = new Registry();
  const attempts = new Counter({ name: 'a', help: 'a', labelNames: ['outcome'], registers: [registers] });
  const disabled = new Counter({ name: 'd', help: 'd', registers: [registers] });
  const seconds = new Histogram({ name: 's', help: 's', registers: [registers] });
  const service = new WebhookDeliveryService(
    repo,
    sender,
    notices,
    { ...DEFAULT_WEBHOOKS_OUT_OPTIONS, ...options },
    attempts,
    seconds,
    disabled,
  );
  const count = async (outcome: string) =>
    (await attempts.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { repo, sent, told, service, count, disabled };
}

describe('classify', () => {
  it('retries 5xx, 408, 429 and no answer; refuses 3xx and other 4xx', () => {
    expect(classify(answer(204))).toBe('delivered');
    expect(classify(answer(503))).toBe('server_error');
    expect(classify(answer(408))).toBe('rate_limited');
    expect(classify(answer(429))).toBe('rate_limited');
    expect(classify(answer(null))).toBe('network_error');
    expect(classify(answer(302))).toBe('rejected');
    expect(classify(answer(410))).toBe('rejected');
    expect(classify(answer(null, { refused: true }))).toBe('refused_target');
  });
});

describe('WebhookDeliveryService', () => {
  it('sends the Standard Webhooks headers, the event id as webhook-id', async () => {
    const w = world([answer(200)]);
    await w.repo.insert(endpoint());
    await w.service.handle(job(), { attempt: 1 });
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0].headers).toMatchObject({
      'webhook-id': 'evt_1',
      'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'content-type': 'application/json',
    });
    expect(JSON.parse(w.sent[0].body)).toEqual({
      id: 'evt_1',
      type: 'meeting.started',
      version: 1,
      guildId: GUILD,
      timestamp: '2026-01-01T00:00:00.000Z',
      data: { meetingId: 'm1' },
    });
    expect(await w.count('delivered')).toBe(1);
  });

  it('retries a 503 after its Retry-After (capped), and drops a 404 without retry', async () => {
    const w = world([
      answer(503, { retryAfterMs: 7_000 }),
      answer(429, { retryAfterMs: 10 * 86_400_000 }),
      answer(404),
    ]);
    await w.repo.insert(endpoint());
    await expect(w.service.handle(job(), { attempt: 1 })).rejects.toEqual(
      new RetryJobError('HTTP 503', 7_000),
    );
    const capped = await w.service.handle(job(), { attempt: 2 }).catch((e: RetryJobError) => e);
    expect(capped).toBeInstanceOf(RetryJobError);
    expect((capped as RetryJobError).delayMs).toBe(DEFAULT_WEBHOOKS_OUT_OPTIONS.maxRetryAfterMs);
    await expect(w.service.handle(job(), { attempt: 3 })).rejects.toBeInstanceOf(DropJobError);
    expect(await w.count('rejected')).toBe(1);
  });

  it('gives up after the last attempt (dead)', async () => {
    const w = world([answer(500)], { retry: { ...DEFAULT_WEBHOOKS_OUT_OPTIONS.retry, maxAttempts: 3 } });
    await w.repo.insert(endpoint());
    await expect(w.service.handle(job(), { attempt: 3 })).rejects.toBeInstanceOf(DropJobError);
    expect(await w.count('dead')).toBe(1);
  });

  it('disables the endpoint after N failures in a row, tells the admins once, and skips its jobs', async () => {
    const w = world([answer(500), answer(null), answer(500), answer(500)], { disableAfterFailures: 3 });
    await w.repo.insert(endpoint());
    await expect(w.service.handle(job(), { attempt: 1 })).rejects.toBeInstanceOf(RetryJobError);
    await expect(w.service.handle(job(), { attempt: 2 })).rejects.toBeInstanceOf(RetryJobError);
    await expect(w.service.handle(job(), { attempt: 3 })).rejects.toBeInstanceOf(DropJobError);
    const stored = await w.repo.get(GUILD, endpoint().id);
    expect(stored).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    expect(stored?.disabledReason).toMatch(/^3 failed requests in a row \(last: HTTP 500\)$/);
    expect((await w.disabled.get()).values[0].value).toBe(1);
    expect(w.told).toEqual([
      {
        guildId: GUILD,
        key: expect.stringMatching(/^webhooks-out-disabled:we_0+1:\d+$/),
        content: expect.stringContaining('was disabled: 3 requests in a row to `hooks.example.com` failed'),
      },
    ]);
    expect(w.told[0].content).not.toContain('whsec_');
    // A job still queued for it does not call the receiver.
    await w.service.handle(job(), { attempt: 1 });
    expect(w.sent).toHaveLength(3);
    expect(await w.count('skipped')).toBe(1);
  });

  it('a success resets the failures in a row', async () => {
    const w = world([answer(500), answer(200)], { disableAfterFailures: 2 });
    await w.repo.insert(endpoint());
    await expect(w.service.handle(job(), { attempt: 1 })).rejects.toBeInstanceOf(RetryJobError);
    await w.service.handle(job(), { attempt: 2 });
    expect((await w.repo.get(GUILD, endpoint().id))?.consecutiveFailures).toBe(0);
  });

  it('never sends for an endpoint of another guild, nor for a record that is not a webhook job', async () => {
    const w = world([]);
    await w.repo.insert(endpoint({ guildId: '100000000000000002' }));
    await w.service.handle(job(), { attempt: 1 });
    expect(w.sent).toHaveLength(0);
    await expect(
      w.service.handle({ kind: 'webhook', id: 'x', record: { nope: 1 } }, { attempt: 1 }),
    ).rejects.toBeInstanceOf(DropJobError);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates, and ignores what it cannot read', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
