import { Controller, Get, Res, VERSION_NEUTRAL } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HealthRegistry } from './health.registry';

type Component = Record<string, unknown> & { status: 'up' | 'down' };

/**
 * Liveness (the process answers) and readiness (this pod can serve: every required dependency answers).
 * Unprefixed, unversioned. Dependencies that are reported but not required (Kaltura, Discord) show in `details`
 * with `required: false` and their real status, without failing readiness.
 */
@ApiTags('ops')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly registry: HealthRegistry,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => this.indicator.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    const components: Record<string, Component> = {
      lifecycle: this.registry.isDraining ? { status: 'down', reason: 'shutting down' } : { status: 'up' },
    };
    for (const o of await this.registry.run()) {
      components[o.name] = {
        ...o.details,
        status: o.up ? 'up' : 'down',
        ...(o.required ? {} : { required: false }),
      };
    }
    const failing = (c: Component) => c.status === 'down' && c.required !== false;
    const info: Record<string, Component> = {};
    const error: Record<string, Component> = {};
    for (const [name, c] of Object.entries(components)) (failing(c) ? error : info)[name] = c;
    const ok = Object.keys(error).length === 0;
    // terminus' body shape (which component is down, and why), built here so optional components can be down.
    if (!ok) res.status(503);
    return { status: ok ? 'ok' : 'error', info, error, details: components } as HealthCheckResult;
  }
}
