import { escapeHtml, renderLaunchPage } from './sandbox-launch.page';

describe('sandbox launch page', () => {
  it('escapes markup characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;',
    );
  });

  it('shows meeting, user, role and expiry, escaped', () => {
    const html = renderLaunchPage({
      now: 1_000,
      ks: {
        version: 2,
        partnerId: 100,
        userId: 'discord_1',
        type: 0,
        expiry: 1_900,
        privileges: {
          resourceId: '1001',
          role: 'viewerRole',
          userContextualRole: '3',
          firstName: '<img src=x onerror=alert(1)>',
        },
      },
      room: {
        resourceId: 1001,
        eventId: 5001,
        meetingId: 'm-1',
        name: '<script>alert("t")</script>',
        type: 'webinar',
        tags: '',
        template: { id: '0_sandbox1', name: 't', adminTags: 'kd', partnerData: '{}' },
        status: 'active',
        createdAt: new Date(0),
      },
    });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(&#34;t&#34;)&#60;/script&#62; (webinar, active)');
    expect(html).toContain('discord_1');
    expect(html).toContain('viewerRole / userContextualRole 3 (attendee)');
    expect(html).toContain('1970-01-01T00:31:40.000Z (in about 15 min)');
    expect(html).toContain('5001');
  });
});
