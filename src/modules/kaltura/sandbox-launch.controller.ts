import { Controller, Get, Query, Res, VERSION_NEUTRAL } from '@nestjs/common';
import type { Response } from 'express';
import { Settings } from '../../platform/settings';
import { KalturaSandboxAdapter } from './kaltura-sandbox.adapter';
import { KalturaPort } from './kaltura.port';
import { KsError, parseKs } from './ks.codec';
import { renderLaunchPage } from './sandbox-launch.page';

/**
 * `GET /sandbox/launch?ks=…`: where sandbox join links lead. Answers 404 unless the service runs in sandbox
 * mode, so a live deployment never decodes its own KS strings for whoever holds a link.
 */
@Controller({ path: 'sandbox', version: VERSION_NEUTRAL })
export class SandboxLaunchController {
  constructor(
    private readonly settings: Settings,
    private readonly kaltura: KalturaPort,
  ) {}

  @Get('launch')
  launch(@Query('ks') ks: unknown, @Res() res: Response): void {
    const { mode, adminSecret, partnerId } = this.settings.kaltura;
    // The link carries a credential: keep it out of caches and Referer headers.
    res.set({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    if (mode !== 'sandbox') {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    let parsed;
    try {
      parsed = parseKs(typeof ks === 'string' ? ks : '', adminSecret, { partnerId });
    } catch (error) {
      const expired = error instanceof KsError && error.reason === 'EXPIRED';
      res
        .status(400)
        .type('text/plain')
        .send(
          expired ? 'This launch link has expired. Ask for a new one.' : 'This launch link is not valid.',
        );
      return;
    }
    const resourceId = Number(parsed.privileges.resourceId);
    const room = this.kaltura instanceof KalturaSandboxAdapter ? this.kaltura.room(resourceId) : undefined;
    res
      .status(200)
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .type('html')
      .send(renderLaunchPage({ ks: parsed, room, now: Math.floor(Date.now() / 1000) }));
  }
}
