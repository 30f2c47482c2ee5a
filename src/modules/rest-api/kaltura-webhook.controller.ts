import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiProblem, WebhookRateLimit } from '../auth';
import { WebhookIntakeService } from '../notification';
import { API_V1 } from './dto';

/**
 * `POST /api/v1/webhooks/kaltura`. The platform hands webhook bodies over as raw bytes (up to 1 MB): the
 * signature is checked on exactly what Kaltura sent. A thin transport: the intake service holds the rules.
 */
@ApiTags('webhooks')
@Controller({ path: 'webhooks', version: API_V1 })
export class KalturaWebhookController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post('kaltura')
  @HttpCode(200)
  @WebhookRateLimit()
  @ApiProblem(401, 'Missing or wrong X-KALTURA-SIGNATURE.')
  @ApiOperation({ summary: 'Kaltura HTTP event notification (signed with X-KALTURA-SIGNATURE)' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Stored (or already stored): `{ apiVersion, eventId, duplicate }`' })
  async receive(
    @Req() req: Request,
    @Headers('content-type') contentType: string | undefined,
    @Headers('x-kaltura-signature') signature: string | undefined,
    @Headers('x-kaltura-hash-algo') algorithm: string | undefined,
  ): Promise<{ apiVersion: string; eventId: string; duplicate: boolean }> {
    const body: unknown = req.body;
    const receipt = await this.intake.receive({
      // No body at all (no Content-Length) leaves req.body unset: that is an empty body.
      body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      contentType,
      signature,
      algorithm,
    });
    return { apiVersion: API_V1, ...receipt };
  }
}
