import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../platform/errors';
import { ApiProblem, CurrentPrincipal, GuildAdmin, Principal } from '../auth';
import { WebhookEndpointView, WebhookEndpointsService } from '../webhooks-out';
import {
  API_V1,
  CreateWebhookDto,
  SNOWFLAKE_EXAMPLE,
  UpdateWebhookDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointResponseDto,
  WebhookSecretResponseDto,
} from './dto';

const ENDPOINT_ID = /^we_[a-f0-9]{24}$/;

function toDto(view: WebhookEndpointView): WebhookEndpointDto {
  return { ...view, createdAt: view.createdAt.toISOString(), updatedAt: view.updatedAt.toISOString() };
}

/** An id that cannot be an endpoint's is "not found" like another guild's (no probing either way). */
function endpointId(id: string): string {
  if (!ENDPOINT_ID.test(id))
    throw new NotFoundError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint in this guild.');
  return id;
}

/**
 * `/api/v1/guilds/:guildId/webhooks`: the guild's admins register outgoing webhook endpoints (signed Standard
 * Webhooks deliveries of the guild's events, docs/events.md). Admin-only like the config routes.
 */
@ApiTags('webhooks')
@ApiParam({ name: 'guildId', description: 'Discord guild id (snowflake)', example: SNOWFLAKE_EXAMPLE })
@Controller({ path: 'guilds/:guildId/webhooks', version: API_V1 })
@GuildAdmin()
export class WebhooksController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Register an endpoint (its signing secret is shown once)' })
  @ApiCreatedResponse({ type: WebhookSecretResponseDto })
  @ApiProblem(400, 'Invalid request, or the URL is refused (not https, private address, does not resolve).')
  @ApiProblem(409, 'The guild already has the maximum number of endpoints.')
  async create(
    @Param('guildId') guildId: string,
    @Body() body: CreateWebhookDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookSecretResponseDto> {
    const { endpoint, secret } = await this.endpoints.create(guildId, body, principal.subject);
    return { apiVersion: API_V1, webhook: toDto(endpoint), secret };
  }

  @Get()
  @ApiOperation({ summary: "The guild's endpoints (never their secrets)" })
  @ApiOkResponse({ type: WebhookEndpointListDto })
  async list(@Param('guildId') guildId: string): Promise<WebhookEndpointListDto> {
    return { apiVersion: API_V1, items: (await this.endpoints.list(guildId)).map(toDto) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookEndpointResponseDto })
  @ApiProblem(404, 'No such endpoint in this guild.')
  async get(@Param('guildId') guildId: string, @Param('id') id: string): Promise<WebhookEndpointResponseDto> {
    return { apiVersion: API_V1, webhook: toDto(await this.endpoints.get(guildId, endpointId(id))) };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, event types, description, or pause/resume (enabled)' })
  @ApiOkResponse({ type: WebhookEndpointResponseDto })
  @ApiProblem(404, 'No such endpoint in this guild.')
  async update(
    @Param('guildId') guildId: string,
    @Param('id') id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookEndpointResponseDto> {
    return { apiVersion: API_V1, webhook: toDto(await this.endpoints.update(guildId, endpointId(id), body)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint (queued deliveries to it are dropped)' })
  @ApiProblem(404, 'No such endpoint in this guild.')
  async delete(@Param('guildId') guildId: string, @Param('id') id: string): Promise<void> {
    await this.endpoints.delete(guildId, endpointId(id));
  }

  @Post(':id/rotate-secret')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Replace the signing secret (the new one is shown once)' })
  @ApiCreatedResponse({ type: WebhookSecretResponseDto })
  @ApiProblem(404, 'No such endpoint in this guild.')
  async rotate(
    @Param('guildId') guildId: string,
    @Param('id') id: string,
  ): Promise<WebhookSecretResponseDto> {
    const { endpoint, secret } = await this.endpoints.rotateSecret(guildId, endpointId(id));
    return { apiVersion: API_V1, webhook: toDto(endpoint), secret };
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a `webhook.test` event to this endpoint' })
  @ApiProblem(404, 'No such endpoint in this guild.')
  async test(
    @Param('guildId') guildId: string,
    @Param('id') id: string,
  ): Promise<{ apiVersion: string; eventId: string }> {
    return { apiVersion: API_V1, ...(await this.endpoints.sendTest(guildId, endpointId(id))) };
  }
}
