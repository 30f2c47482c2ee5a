import { ConsoleLogger, Logger } from '@nestjs/common';
import { MessageFlags, PermissionFlagsBits, PermissionsBitField, type Client } from 'discord.js';
import { SANDBOX_ADMIN_SECRET } from '../../../platform/settings';
import { KalturaUnavailableError, parseKs } from '../../kaltura';
import { MeetingEndForbiddenError } from '../../meetings';
import {
  GUILD,
  StubInteraction,
  ada,
  defaultConfig,
  hana,
  meetingsFixture,
  roleMapping,
  stubConfigService,
  testCounter,
  vic,
  testHistogram,
} from '../../../../test/discord/support/interaction-stubs';
import { DiscordMetrics } from '../discord.metrics';
import { CommandAccessService, CommandForbiddenError } from '../interaction/command-access.service';
import { MeetingCommands } from './meeting.commands';
import { MeetingLookup } from './meeting-lookup.service';

/** `client.rest.post` as the handler uses it: records channel posts; `failNext` makes the next one reject. */
function stubRest() {
  const posts: Array<{ route: string; body: any }> = [];
  const rest = {
    posts,
    failNext: null as Error | null,
    async post(route: string, options: { body: any }) {
      posts.push({ route, body: options.body });
      const failure = rest.failNext;
      rest.failNext = null;
      if (failure) throw failure;
      return { id: `${900_000_000_000_000_000n + BigInt(posts.length)}`, channel_id: route.split('/')[2] };
    },
  };
  return rest;
}

function setup(config = defaultConfig()) {
  const { service, settings, kaltura } = meetingsFixture({ PORT: '4321' });
  const configService = stubConfigService(config);
  const access = new CommandAccessService(configService, roleMapping(configService));
  const interactions = testCounter('i', ['kind', 'command', 'outcome']);
  const metrics = new DiscordMetrics(interactions, testCounter('r', ['scope']), testHistogram());
  const lookup = new MeetingLookup(service, access, metrics);
  const rest = stubRest();
  // Channels the interaction does not carry are looked up; the stub knows none (the post then speaks for itself).
  const client = { rest, channels: { fetch: async () => null } } as unknown as Client;
  const commands = new MeetingCommands(service, access, lookup, metrics, settings, client);
  return { commands, service, kaltura, interactions, rest };
}

const startOptions = { type: 'meeting' as const, title: 'Standup', description: null };
const ksOf = (url: string) => parseKs(new URL(url).searchParams.get('ks')!, SANDBOX_ADMIN_SECRET);
const linkOf = (payload: any): string => payload.components[0].toJSON().components[0].url;

describe('MeetingCommands', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  describe('/kaltura-start', () => {
    it('defers ephemerally first, answers the host with a link, then posts the public meeting message', async () => {
      const { commands, service, interactions, rest } = setup();
      const interaction = new StubInteraction('command', hana, 'kaltura-start');
      await commands.start([interaction.asAny], startOptions);

      expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply', 'editReply']);
      expect(interaction.calls[0].payload).toEqual({ flags: MessageFlags.Ephemeral });
      const [meeting] = await service.listActive(GUILD);
      expect(meeting).toMatchObject({
        title: 'Standup',
        hostId: hana.userId,
        channelId: interaction.channelId,
      });

      const [hostReply] = interaction.payloads('editReply');
      expect(hostReply.content).toContain(`Your meeting is live (ID \`${meeting.id}\`)`);
      const url = linkOf(hostReply);
      // Sandbox links are made absolute on this service's port.
      expect(url.startsWith('http://localhost:4321/sandbox/launch?ks=')).toBe(true);
      expect(ksOf(url).privileges).toMatchObject({ role: 'adminRole', userContextualRole: '0' });

      // The card is a channel message carrying the meeting's nonce, enforced: a retried create cannot double it.
      expect(rest.posts).toHaveLength(1);
      const [{ route, body }] = rest.posts;
      expect(route).toBe(`/channels/${interaction.channelId}/messages`);
      expect(body).toMatchObject({ nonce: `start-${meeting.id}`, enforce_nonce: true });
      expect(body.nonce.length).toBeLessThanOrEqual(25);
      expect(body.flags).toBeUndefined();
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.embeds[0].title).toBe('Standup');
      expect(body.components[0].components.map((c: any) => c.custom_id)).toEqual([
        `meeting/join/${meeting.id}`,
        `meeting/end/${meeting.id}`,
      ]);
      expect(JSON.stringify(body)).not.toContain('ks=');
      expect((await service.get(GUILD, meeting.id)).messageId).toMatch(/^\d+$/);
      expect((await interactions.get()).values).toEqual([
        expect.objectContaining({
          labels: { kind: 'command', command: 'kaltura-start', outcome: 'ok' },
          value: 1,
        }),
      ]);
    });

    it('gives no host link when the guild switched hostLinkOnStart off', async () => {
      const { commands, rest } = setup(defaultConfig((c) => (c.features.hostLinkOnStart = false)));
      const interaction = new StubInteraction('command', hana, 'kaltura-start');
      await commands.start([interaction.asAny], startOptions);
      const [reply] = interaction.payloads('editReply');
      expect(reply.content).toMatch(/Use its Join button to get your link\.$/);
      expect(reply.components).toBeUndefined();
      expect(rest.posts).toHaveLength(1);
    });

    it('still posts the meeting when the host link cannot be made', async () => {
      const { commands, kaltura, rest } = setup();
      jest.spyOn(kaltura, 'joinUrl').mockRejectedValueOnce(new KalturaUnavailableError('timeout'));
      const interaction = new StubInteraction('command', hana, 'kaltura-start');
      await commands.start([interaction.asAny], startOptions);
      expect(interaction.payloads('editReply')[0].content).toContain(
        'Your link could not be made: Kaltura is not reachable right now; try again in a minute. Use its Join button.',
      );
      expect(rest.posts[0].body.embeds[0].title).toBe('Standup');
    });

    it('tells the host ephemerally, with the reason, when Discord refuses the meeting message', async () => {
      const { commands, service, rest } = setup();
      const interaction = new StubInteraction('command', hana, 'kaltura-start');
      rest.failNext = Object.assign(new Error('Missing Permissions'), { code: 50013, status: 403 });
      await commands.start([interaction.asAny], startOptions);
      const [notice] = interaction.payloads('followUp');
      expect(notice.flags).toBe(MessageFlags.Ephemeral);
      expect(notice.content).toContain('its message could not be posted here: the bot may not post here');
      expect((await service.listActive(GUILD))[0].messageId).toBeNull();
    });

    it.each([
      ['cannot see the channel', PermissionFlagsBits.SendMessages, null, /cannot see channel/],
      [
        'lacks Send Messages in Threads in a thread',
        PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
        { isThread: (): boolean => true },
        /needs Send Messages there; in threads Send Messages in Threads/,
      ],
      [
        'is in an archived, locked thread without Manage Threads',
        PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessagesInThreads,
        { isThread: (): boolean => true, archived: true, locked: true },
        /is archived and locked/,
      ],
    ])('refuses before creating anything when the bot %s', async (_case, permissions, channel, message) => {
      const { commands, service, rest } = setup();
      const interaction = new StubInteraction('command', hana, 'kaltura-start');
      interaction.appPermissions = new PermissionsBitField(permissions);
      interaction.channel = channel;
      await expect(commands.start([interaction.asAny], startOptions)).rejects.toMatchObject({
        code: 'CHANNEL_NOT_USABLE',
        message,
      });
      expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply']);
      expect(rest.posts).toEqual([]);
      expect(await service.listActive(GUILD)).toEqual([]);
    });

    it('refuses a member the guild does not allow, after acknowledging, and creates nothing', async () => {
      const { commands, service } = setup(
        defaultConfig((c) => (c.commands.permissions['kaltura-start'] = ['Hosts'])),
      );
      const interaction = new StubInteraction('command', vic, 'kaltura-start');
      await expect(commands.start([interaction.asAny], startOptions)).rejects.toBeInstanceOf(
        CommandForbiddenError,
      );
      expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply']);
      expect(await service.listActive(GUILD)).toEqual([]);
      // The role named in the config lets Hana through.
      await commands.start([new StubInteraction('command', hana, 'kaltura-start').asAny], startOptions);
      expect(await service.listActive(GUILD)).toHaveLength(1);
    });

    it('lets validation errors of the use case through (the filter answers them)', async () => {
      const { commands } = setup();
      const interaction = new StubInteraction('command', hana, 'kaltura-start');
      await expect(
        commands.start([interaction.asAny], { ...startOptions, title: '   ' }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });
  });

  describe('/kaltura-join', () => {
    it('answers with a personal viewer link for a viewer, by id or by exact title', async () => {
      const { commands, service } = setup();
      const meeting = await service.create({
        guildId: GUILD,
        host: { ...hana, role: 'viewer' },
        title: 'Standup',
        type: 'meeting',
      });
      const byId = new StubInteraction('command', vic, 'kaltura-join');
      await commands.join([byId.asAny], { meetingId: meeting.id });
      expect(byId.calls.map((c) => c.method)).toEqual(['reply']);
      const reply = byId.payloads('reply')[0];
      expect(reply.flags).toBe(MessageFlags.Ephemeral);
      expect(reply.content).toContain('you join as **viewer**');
      expect(ksOf(linkOf(reply)).privileges).toMatchObject({ role: 'viewerRole', userContextualRole: '3' });

      const byTitle = new StubInteraction('command', ada, 'kaltura-join');
      await commands.join([byTitle.asAny], { meetingId: ' standup ' });
      expect(byTitle.payloads('reply')[0].content).toContain('you join as **admin (host controls)**');
    });

    it('suggests meetings when autocompleting, without deferring', async () => {
      const { commands, service } = setup();
      const meeting = await service.create({
        guildId: GUILD,
        host: { ...hana, role: 'viewer' },
        title: 'Standup',
        type: 'webinar',
      });
      const interaction = new StubInteraction('autocomplete', vic, 'kaltura-join', { focused: 'stand' });
      await commands.join([interaction.asAny], { meetingId: 'stand' });
      expect(interaction.calls).toEqual([
        { method: 'respond', payload: [{ name: 'Standup · webinar · Hana', value: meeting.id }] },
      ]);
    });
  });

  describe('/kaltura-list', () => {
    it('lists the running meetings ephemerally', async () => {
      const { commands, service } = setup();
      await service.create({
        guildId: GUILD,
        host: { ...hana, role: 'viewer' },
        title: 'One',
        type: 'meeting',
      });
      const interaction = new StubInteraction('command', vic, 'kaltura-list');
      await commands.list([interaction.asAny]);
      expect(interaction.calls[0].payload).toEqual({ flags: MessageFlags.Ephemeral });
      expect(interaction.payloads('editReply')[0].embeds[0].title).toBe('1 meeting running');
    });
  });

  describe('/kaltura-end', () => {
    it('ends the meeting for its host and refuses others', async () => {
      const { commands, service } = setup();
      const meeting = await service.create({
        guildId: GUILD,
        host: { ...hana, role: 'viewer' },
        title: 'Standup',
        type: 'meeting',
      });
      const refused = new StubInteraction('command', vic, 'kaltura-end');
      await expect(commands.end([refused.asAny], { meetingId: meeting.id })).rejects.toBeInstanceOf(
        MeetingEndForbiddenError,
      );
      const interaction = new StubInteraction('command', hana, 'kaltura-end');
      await commands.end([interaction.asAny], { meetingId: meeting.id });
      expect(interaction.payloads('editReply')[0].content).toMatch(
        /^\*\*Standup\*\* has ended after \d+ s\.$/,
      );
      expect((await service.get(GUILD, meeting.id)).status).toBe('ended');
    });

    it('suggests only the meetings the member may end', async () => {
      const { commands, service } = setup();
      const mine = await service.create({
        guildId: GUILD,
        host: { ...hana, role: 'viewer' },
        title: 'Mine',
        type: 'meeting',
      });
      await service.create({
        guildId: GUILD,
        host: { ...vic, role: 'viewer' },
        title: 'Theirs',
        type: 'meeting',
      });
      const hostAsks = new StubInteraction('autocomplete', hana, 'kaltura-end');
      await commands.end([hostAsks.asAny], { meetingId: '' });
      expect(hostAsks.payloads('respond')[0]).toEqual([expect.objectContaining({ value: mine.id })]);
      const adminAsks = new StubInteraction('autocomplete', ada, 'kaltura-end');
      await commands.end([adminAsks.asAny], { meetingId: '' });
      expect(adminAsks.payloads('respond')[0]).toHaveLength(2);
    });
  });
});
