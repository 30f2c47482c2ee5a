import { Logger } from '@nestjs/common';
import { DomainError, ValidationFailedError } from '../../platform/errors';
import { KalturaSandboxAdapter } from './kaltura-sandbox.adapter';
import { KsType, parseKs } from './ks.codec';
import { recordingOwnerOf } from './recording-tags';

describe('KalturaSandboxAdapter', () => {
  const connection = { partnerId: 100, adminSecret: 'sandbox-secret', joinLinkTtl: 900 };
  const now = 1_800_000_000_000;
  let sandbox: KalturaSandboxAdapter;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (sandbox = new KalturaSandboxAdapter(connection, () => now)));

  it('creates rooms with incrementing ids and Newrow tags', async () => {
    const a = await sandbox.createRoom({
      guildId: '1001',
      meetingId: 'm-1',
      title: 'Standup',
      type: 'meeting',
    });
    const b = await sandbox.createRoom({
      guildId: '1001',
      meetingId: 'm-2',
      title: 'Class',
      type: 'classroom',
      description: 'd',
    });
    expect(b.resourceId).toBe(a.resourceId + 1);
    expect(b.eventId).toBe(a.eventId! + 1);
    expect(sandbox.room(b.resourceId)).toMatchObject({
      meetingId: 'm-2',
      tags: 'vcprovider:newrow,custom_rs_class_mode:virtual_classroom',
      description: 'd',
    });
    expect(await sandbox.getRoom(a)).toEqual({ room: a, name: 'Standup', status: 'active' });
  });

  it('keeps a recording template per room, tagged like the live one; it records nothing', async () => {
    const room = await sandbox.createRoom({
      guildId: '1001',
      meetingId: 'Abc123XYZ9',
      title: 'T',
      type: 'meeting',
    });
    const template = sandbox.room(room.resourceId)!.template;
    expect(template).toMatchObject({
      adminTags: 'kd,kd-guild:1001,kd-meeting:Abc123XYZ9',
      partnerData: '{"guildId":"1001","meetingId":"Abc123XYZ9"}',
    });
    expect(recordingOwnerOf(template)).toEqual({ owner: { guildId: '1001', meetingId: 'Abc123XYZ9' } });
    expect(await sandbox.findRecordings({ guildId: '1001', meetingId: 'Abc123XYZ9' })).toEqual([]);
  });

  it('ends rooms idempotently, unknown rooms included', async () => {
    const room = await sandbox.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'webinar' });
    await sandbox.endRoom(room);
    await sandbox.endRoom(room);
    await sandbox.endRoom({ resourceId: 999_999 });
    expect(await sandbox.getRoom(room)).toMatchObject({ status: 'ended' });
    expect(await sandbox.getRoom({ resourceId: 424242 })).toBeNull();
  });

  it('signs join links with the configured secret: a real USER KS on the local launch path', async () => {
    const room = await sandbox.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
    const url = await sandbox.joinUrl({
      room,
      user: { id: 'discord_7', firstName: 'Bo', lastName: 'Li' },
      role: 'moderator',
    });
    expect(url).toMatch(/^\/sandbox\/launch\?ks=djJ8/);
    const ks = new URL(url, 'http://x').searchParams.get('ks')!;
    expect(parseKs(ks, 'sandbox-secret', { partnerId: 100, now: now / 1000 })).toEqual({
      version: 2,
      partnerId: 100,
      userId: 'discord_7',
      type: KsType.USER,
      expiry: now / 1000 + 900,
      privileges: {
        resourceId: String(room.resourceId),
        role: 'adminRole',
        userContextualRole: '0',
        firstName: 'Bo',
        lastName: 'Li',
      },
    });
  });

  it('refuses links to unknown rooms and invalid user ids', async () => {
    await expect(
      sandbox.joinUrl({ room: { resourceId: 5 }, user: { id: 'u', firstName: 'A' }, role: 'viewer' }),
    ).rejects.toMatchObject({ code: 'MEETING_ROOM_NOT_FOUND', status: 404 });
    const room = await sandbox.createRoom({ guildId: '1001', meetingId: 'm', title: 'T', type: 'meeting' });
    await expect(
      sandbox.joinUrl({ room, user: { id: 'bad id', firstName: 'A' }, role: 'viewer' }),
    ).rejects.toBeInstanceOf(ValidationFailedError);
  });

  it('records users once and reports a closed circuit', async () => {
    await sandbox.ensureUser({ id: 'discord_1', displayName: 'First' });
    await sandbox.ensureUser({ id: 'discord_1', displayName: 'Second' });
    expect(sandbox.user('discord_1')).toBe('First');
    await expect(sandbox.ensureUser({ id: '', displayName: 'x' })).rejects.toBeInstanceOf(DomainError);
    expect(sandbox.circuitState()).toBe('closed');
  });
});
