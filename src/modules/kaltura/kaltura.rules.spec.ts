import { ValidationFailedError } from '../../platform/errors';
import {
  KALTURA_USER_ID,
  assertRoom,
  assertUserId,
  eventTags,
  joinPrivileges,
  kalturaRole,
  privilegeText,
  resourceTags,
} from './kaltura.rules';

describe('room tags', () => {
  it('marks every room as Newrow and adds the class mode for webinars and classrooms', () => {
    expect(resourceTags('meeting')).toBe('vcprovider:newrow');
    expect(resourceTags('webinar')).toBe('vcprovider:newrow,custom_rs_class_mode:webinar');
    expect(resourceTags('classroom')).toBe('vcprovider:newrow,custom_rs_class_mode:virtual_classroom');
    expect(eventTags('meeting')).toBeUndefined();
    expect(eventTags('classroom')).toBe('custom_rs_class_mode:virtual_classroom');
  });
});

describe('join privileges', () => {
  it('maps admin and moderator to adminRole/0 and viewer to viewerRole/3', () => {
    expect(kalturaRole('admin')).toEqual({ role: 'adminRole', userContextualRole: 0 });
    expect(kalturaRole('moderator')).toEqual({ role: 'adminRole', userContextualRole: 0 });
    expect(kalturaRole('viewer')).toEqual({ role: 'viewerRole', userContextualRole: 3 });
  });

  it('lists resourceId, role, userContextualRole, firstName and lastName in that order', () => {
    const privileges = joinPrivileges({
      room: { resourceId: 12, eventId: 34 },
      user: { id: 'discord_1', firstName: 'Ada', lastName: 'Lovelace' },
      role: 'viewer',
    });
    expect(privileges).toEqual([
      ['resourceId', '12'],
      ['role', 'viewerRole'],
      ['userContextualRole', '3'],
      ['firstName', 'Ada'],
      ['lastName', 'Lovelace'],
    ]);
  });

  it('cleans names: no commas, no control characters, bounded length, a fallback when empty', () => {
    expect(privilegeText(' Doe,\tJohn\n ')).toBe('Doe John');
    expect([...privilegeText('é'.repeat(100))]).toHaveLength(64);
    const [, , , first] = joinPrivileges({
      room: { resourceId: 1 },
      user: { id: 'discord_9', firstName: ',,,' },
      role: 'admin',
    });
    expect(first).toEqual(['firstName', 'discord_9']);
    const withoutLast = joinPrivileges({
      room: { resourceId: 1 },
      user: { id: 'u', firstName: 'A', lastName: ' ' },
      role: 'admin',
    });
    expect(withoutLast.map(([k]) => k)).not.toContain('lastName');
  });
});

describe('validation', () => {
  it('accepts Kaltura user ids and rejects others', () => {
    expect(KALTURA_USER_ID.test('discord_123456789012345678')).toBe(true);
    expect(() => assertUserId('a@b.c')).not.toThrow();
    for (const bad of ['', 'has space', 'slash/no', 'x'.repeat(321), 'ünï']) {
      expect(() => assertUserId(bad)).toThrow(ValidationFailedError);
    }
  });

  it('accepts positive integer ids only', () => {
    expect(() => assertRoom({ resourceId: 1, eventId: 2 })).not.toThrow();
    for (const bad of [
      { resourceId: 0 },
      { resourceId: 1.5 },
      { resourceId: 1, eventId: -1 },
      { resourceId: NaN },
    ]) {
      expect(() => assertRoom(bad)).toThrow(ValidationFailedError);
    }
  });
});
