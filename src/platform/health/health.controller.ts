import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { HealthRegistry } from './health.registry';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** Liveness (the process answers) and readiness (every registered dependency answers). Unprefixed, unversioned. */
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
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    const lifecycle = async (): Promise<HealthIndicatorResult> => {
      const status = this.indicator.check('lifecycle');
      return this.registry.isDraining ? status.down({ reason: 'shutting down' }) : status.up();
    };
    const checks = this.registry.all().map((c) => async (): Promise<HealthIndicatorResult> => {
      const status = this.indicator.check(c.name);
      try {
        return status.up(await withTimeout(c.check(), CHECK_TIMEOUT_MS));
      } catch (e) {
        return status.down({ reason: e instanceof Error ? e.message : String(e) });
      }
    });
    try {
      return await this.health.check([lifecycle, ...checks]);
    } catch (e) {
      // Keep terminus' body (which component is down, and why) rather than a generic problem document.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503);
      return e.getResponse() as HealthCheckResult;
    }
  }
}
