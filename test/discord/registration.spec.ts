import request from 'supertest';
import { bootFullApp, linkButtonUrl, world, type FullApp } from '../support/full-app';

const MEETING_COMMANDS = ['kaltura-end', 'kaltura-help', 'kaltura-join', 'kaltura-list', 'kaltura-start'];

describe('command registration', () => {
  describe('globally (no DISCORD_DEV_GUILD_ID)', () => {
    let t: FullApp;
    beforeAll(async () => {
      t = await bootFullApp({ kaltura: 'sandbox' });
    });
    afterAll(() => t?.close());

    it('registers every command globally with the fixed names, and none per guild', () => {
      const names = t.discord.commands().map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(MEETING_COMMANDS));
      expect(t.discord.commands(world.guildId)).toEqual([]);
    });

    it('orders options required-first, with choices and limits', () => {
      const start = t.discord.commands().find((c) => c.name === 'kaltura-start')!;
      expect(start.options).toEqual([
        expect.objectContaining({
          name: 'type',
          type: 3,
          required: true,
          choices: [
            { name: 'meeting', value: 'meeting' },
            { name: 'webinar', value: 'webinar' },
            { name: 'classroom', value: 'classroom' },
          ],
        }),
        expect.objectContaining({ name: 'title', type: 3, required: true, min_length: 1, max_length: 100 }),
        expect.objectContaining({ name: 'description', type: 3, max_length: 1000 }),
      ]);
      expect(start.options?.[2]).not.toMatchObject({ required: true });
      for (const name of ['kaltura-join', 'kaltura-end']) {
        const command = t.discord.commands().find((c) => c.name === name)!;
        expect(command.options).toEqual([
          expect.objectContaining({ name: 'meeting-id', type: 3, required: true, autocomplete: true }),
        ]);
        // docs/commands.md: typing the exact title works, and a title may be 100 characters (issue 26 item 13).
        expect(command.options?.[0]).toMatchObject({ min_length: 1, max_length: 100 });
      }
      expect(t.discord.commands().find((c) => c.name === 'kaltura-list')!.options ?? []).toEqual([]);
    });

    it('makes the commands guild-only', () => {
      for (const name of MEETING_COMMANDS) {
        expect(t.discord.commands().find((c) => c.name === name)).toMatchObject({ contexts: [0] });
      }
    });

    it('shows the config commands to Manage Server by default; meeting commands to everyone (issue 26 item 12)', () => {
      for (const name of ['kaltura-config-view', 'kaltura-config-update', 'kaltura-config-reset']) {
        const command = t.discord.commands().find((c) => c.name === name);
        expect(command).toMatchObject({ default_member_permissions: String(1 << 5) });
      }
      for (const name of MEETING_COMMANDS) {
        expect(
          t.discord.commands().find((c) => c.name === name)?.default_member_permissions ?? null,
        ).toBeNull();
      }
    });

    it('lists every command with its version in /kaltura-help', async () => {
      const handle = t.discord.sendSlashCommand({
        guildId: world.guildId,
        channelId: world.channelId,
        userId: world.viewer,
        name: 'kaltura-help',
      });
      const done = await handle.waitFor((r) => r.edits.length > 0);
      expect(done.original?.ephemeral).toBe(true);
      const text = done.original?.message.embeds?.[0]?.description ?? '';
      for (const name of MEETING_COMMANDS) expect(text).toContain(`/${name}`);
      expect(text).toContain('`/kaltura-start <type> <title> [description]` · v1.0.0');
      expect(text).toContain('`/kaltura-join <meeting-id>` · v1.0.0');
      expect(done.original?.allowedMentions).toEqual({ parse: [] });
    });

    it('in sandbox mode, hands out absolute links to the local launch page (Discord link buttons need them)', async () => {
      const handle = t.discord.sendSlashCommand({
        guildId: world.guildId,
        channelId: world.channelId,
        userId: world.host,
        name: 'kaltura-start',
        options: { type: 'meeting', title: 'Sandbox' },
      });
      const card = await t.discord.waitForPublicMessage(world.channelId, 'Sandbox', 10_000);
      const done = await handle.waitFor((r) => r.edits.length > 0, 10_000);
      const url = linkButtonUrl(done.original?.message)!;
      expect(url).toMatch(new RegExp(`^http://localhost:${t.settings.http.port}/sandbox/launch\\?ks=`));
      const page = await request(t.app.getHttpServer()).get(new URL(url).pathname + new URL(url).search);
      expect(page.status).toBe(200);
      expect(page.text).toContain('adminRole / userContextualRole 0');
      expect(JSON.stringify(card.message)).not.toContain('ks=');
    });

    it('reports the gateway in readiness', async () => {
      const res = await request(t.app.getHttpServer()).get('/health/ready');
      expect(res.body.details.discord).toMatchObject({ status: 'up', guilds: 2 });
    });
  });
});
