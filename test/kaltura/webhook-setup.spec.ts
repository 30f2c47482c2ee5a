import { Logger } from '@nestjs/common';
import { KalturaWebhookSetup, KsType, SERVICE_WEBHOOKS, mintKs, webhookUrl } from '../../src/modules/kaltura';
import { runWebhookSetup } from '../../src/cli/kaltura-webhooks';
import { FakeKaltura } from '../fakes/kaltura';

/**
 * `npm run kaltura:webhooks` (issue 18 item 4) against the fake Kaltura through the real kaltura-client: the
 * partner-0 HTTP templates are cloned with our system names and URL and enabled, once, however often it runs;
 * `--check` reports what is missing or different and changes nothing.
 */
describe('kaltura:webhooks (webhook setup command)', () => {
  const fake = new FakeKaltura();
  const URL_ARG = 'https://discord-bot.example.com';
  const HOOK = 'https://discord-bot.example.com/api/v1/webhooks/kaltura';
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
    env = {
      NODE_ENV: 'test',
      KALTURA_PARTNER_ID: String(fake.partnerId),
      KALTURA_ADMIN_SECRET: fake.adminSecret,
      KALTURA_SERVICE_URL: fake.url,
    };
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  async function run(...args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await runWebhookSetup(args, env, (l) => lines.push(l));
    return { code, out: lines.join('\n') };
  }

  const adminKs = () =>
    mintKs({
      secret: fake.adminSecret,
      partnerId: fake.partnerId,
      type: KsType.ADMIN,
      userId: '',
      privileges: '',
      expiresIn: 600,
      now: Math.floor(Date.now() / 1000),
    });
  const ours = () => fake.notificationTemplates().filter((t) => t.status !== 3);

  it('run twice → one template each, cloned from partner 0, pointing at the service, enabled', async () => {
    const first = await run('--url', URL_ARG);
    expect(first.code).toBe(0);
    expect(first.out).toContain('kaltura_discord_entry_ready: created');
    expect(first.out).toContain('kaltura_discord_reach_task_finished: created');

    const second = await run('--url', URL_ARG);
    expect(second.code).toBe(0);
    expect(second.out).toContain('kaltura_discord_entry_ready: unchanged');
    expect(second.out).toContain('kaltura_discord_reach_task_finished: unchanged');

    expect(ours().map((t) => [t.systemName, t.status, t.url, t.partnerId, t.eventObjectType])).toEqual([
      ['kaltura_discord_entry_ready', 2, HOOK, fake.partnerId, '1'],
      ['kaltura_discord_reach_task_finished', 2, HOOK, fake.partnerId, '42'],
    ]);
    // Cloned from the partner-0 templates by id, with our system name; enabled with updateStatus(id, 2).
    const clones = fake.callsTo('eventnotification_eventnotificationtemplate', 'clone');
    expect(
      clones.map((c) => [
        String(c.params.id),
        (c.params.eventNotificationTemplate as { systemName: string }).systemName,
      ]),
    ).toEqual([
      ['11', 'kaltura_discord_entry_ready'],
      ['12', 'kaltura_discord_reach_task_finished'],
    ]);
    expect(fake.callsTo('eventnotification_eventnotificationtemplate', 'updateStatus')).toHaveLength(2);
  });

  it('--check reports missing, then ok; then a different URL and a disabled template; it changes nothing', async () => {
    const before = await run('--url', URL_ARG, '--check');
    expect(before.code).toBe(1);
    expect(before.out).toContain('kaltura_discord_entry_ready: missing');
    expect(ours()).toEqual([]);

    await run('--url', URL_ARG);
    expect(await run('--check', '--url', URL_ARG)).toMatchObject({ code: 0 });

    const moved = await run('--url', 'https://elsewhere.example.com', '--check');
    expect(moved.code).toBe(1);
    expect(moved.out).toContain(`kaltura_discord_entry_ready: different`);
    expect(moved.out).toContain(`url is ${HOOK}`);
    expect(ours().every((t) => t.url === HOOK)).toBe(true);

    const [entryReady] = ours();
    entryReady.status = 1;
    expect((await run('--url', URL_ARG, '--check')).out).toContain('kaltura_discord_entry_ready: disabled');
    expect(entryReady.status).toBe(1);
    // Applying enables it again, and a new URL is written onto the existing templates (no second clone).
    const applied = await run('--url', 'https://elsewhere.example.com');
    expect(applied.out).toContain('kaltura_discord_entry_ready: updated');
    expect(ours().map((t) => [t.status, t.url])).toEqual([
      [2, 'https://elsewhere.example.com/api/v1/webhooks/kaltura'],
      [2, 'https://elsewhere.example.com/api/v1/webhooks/kaltura'],
    ]);
  });

  it("uses the partner's template a concurrent run created (EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME)", async () => {
    const setup = KalturaWebhookSetup.forPartner({
      partnerId: fake.partnerId,
      adminSecret: fake.adminSecret,
      serviceUrl: fake.url,
    });
    await setup.apply(HOOK);
    const existing = ours().map((t) => t.id);
    // Another run's clone lands between our list and our clone: our first look finds nothing, the clone is refused.
    const racing = KalturaWebhookSetup.forPartner({
      partnerId: fake.partnerId,
      adminSecret: fake.adminSecret,
      serviceUrl: fake.url,
    });
    const internals = racing as unknown as { findOwn: (name: string) => Promise<unknown> };
    const real = internals.findOwn.bind(racing);
    const seen = new Set<string>();
    jest.spyOn(internals, 'findOwn').mockImplementation(async (name: string) => {
      if (seen.has(name)) return real(name);
      seen.add(name);
      return null;
    });
    const reports = await racing.apply(HOOK);
    expect(reports.map((r) => r.id)).toEqual(existing);
    expect(ours().map((t) => t.id)).toEqual(existing);
    expect(
      fake
        .callsTo('eventnotification_eventnotificationtemplate', 'clone')
        .slice(-2)
        .map((c) => c.error),
    ).toEqual([
      'EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME',
      'EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME',
    ]);
    // The duplicate-name refusal itself, as the fake answers it:
    const refused = await fetch(
      `${fake.url}/api_v3/service/eventnotification_eventnotificationtemplate/action/clone`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          ks: adminKs(),
          id: 11,
          eventNotificationTemplate: {
            objectType: 'KalturaHttpNotificationTemplate',
            systemName: SERVICE_WEBHOOKS[0].systemName,
          },
        }),
      },
    ).then((r) => r.json());
    expect(refused).toMatchObject({
      objectType: 'KalturaAPIException',
      code: 'EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME',
    });
  });

  it('refuses bad usage and bad URLs up front, and a sandbox (no partner), changing nothing', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('--url')).code).toBe(2);
    expect((await run('--url', URL_ARG, '--force')).out).toContain('unknown argument --force');
    expect((await run('--url', 'http://discord-bot.example.com')).out).toContain('https://');
    expect((await run('--url', 'not a url')).code).toBe(2);
    const lines: string[] = [];
    expect(await runWebhookSetup(['--url', URL_ARG], { NODE_ENV: 'test' }, (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toContain('sandbox');
    expect(fake.calls).toEqual([]);
    expect(webhookUrl('https://h.example.com/custom/path')).toBe('https://h.example.com/custom/path');
  });

  it("reports Kaltura's refusal without leaking the secret", async () => {
    fake.refuseAction('eventnotification_eventnotificationtemplate.list', 'SERVICE_FORBIDDEN');
    const result = await run('--url', URL_ARG);
    expect(result.code).toBe(3);
    expect(result.out).toContain('SERVICE_FORBIDDEN');
    expect(result.out).not.toContain(fake.adminSecret);
  });
});
