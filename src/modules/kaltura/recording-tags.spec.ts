import { recordingAdminTags, recordingOwnerOf, recordingPartnerData, sameOwner } from './recording-tags';

describe('recording tags (how a recording names its meeting)', () => {
  const owner = { guildId: '111111111111111111', meetingId: 'Abc123XYZ9' };

  it('round-trips through admin tags and partner data, together or alone', () => {
    const adminTags = recordingAdminTags(owner);
    const partnerData = recordingPartnerData(owner);
    expect(adminTags).toBe('kd,kd-guild:111111111111111111,kd-meeting:Abc123XYZ9');
    expect(recordingOwnerOf({ adminTags, partnerData })).toEqual({ owner });
    expect(recordingOwnerOf({ adminTags })).toEqual({ owner });
    expect(recordingOwnerOf({ partnerData })).toEqual({ owner });
    // Spaces after commas, extra tags an admin added: still ours.
    expect(recordingOwnerOf({ adminTags: ` other, ${adminTags.split(',').join(' , ')} ` })).toEqual({
      owner,
    });
  });

  it('trusts partner data for the case of the ids should Kaltura lower-case admin tags', () => {
    const match = recordingOwnerOf({
      adminTags: recordingAdminTags(owner).toLowerCase(),
      partnerData: recordingPartnerData(owner),
    });
    expect(match).toEqual({ owner });
    expect(sameOwner(owner, { guildId: owner.guildId, meetingId: 'abc123xyz9' })).toBe(true);
  });

  it.each([
    ['nothing', {}],
    ['tags of someone else', { adminTags: 'zoom,meeting:1', partnerData: 'free text' }],
    ['our marker without ids', { adminTags: 'kd' }],
    ['a guild without a meeting', { adminTags: 'kd,kd-guild:1' }],
    ['two meetings', { adminTags: 'kd,kd-guild:1,kd-meeting:a,kd-meeting:b' }],
    ['ids that are not ids', { adminTags: 'kd,kd-guild:1,kd-meeting:../x' }],
    ['ids without our marker', { adminTags: 'kd-guild:1,kd-meeting:a' }],
    ['partner data that is not ours', { partnerData: '{"guildId":1,"meetingId":["a"]}' }],
    [
      'disagreeing sources',
      {
        adminTags: recordingAdminTags(owner),
        partnerData: recordingPartnerData({ ...owner, meetingId: 'Other12345' }),
      },
    ],
  ])('refuses %s, with a reason', (_what, entry) => {
    const match = recordingOwnerOf(entry);
    expect(match.owner).toBeNull();
    expect(match).toHaveProperty('reason', expect.any(String));
  });
});
