import { Controller, Get, Global, Injectable, Module, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  InjectMetric,
  PrometheusController,
  PrometheusModule,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, register } from 'prom-client';
import { DiscordInvalidRequests, discordInvalidRequestsProvider } from './discord-invalid-requests';

export const HTTP_DURATION = 'kd_http_request_duration_seconds';

/** `GET /metrics`, outside the `api` prefix and versioning. */
@ApiExcludeController()
@Controller({ version: VERSION_NEUTRAL })
export class MetricsController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: Response) {
    return super.index(response);
  }
}

/**
 * Times every HTTP response by method, route template (never the raw path: bounded cardinality) and status.
 * Mounted as the first Express middleware by `configureApp`, so unmatched paths are counted too.
 */
@Injectable()
export class HttpMetricsMiddleware {
  constructor(@InjectMetric(HTTP_DURATION) private readonly histogram: Histogram<string>) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.histogram.startTimer();
    res.once('finish', () => {
      const path = (req.route as { path?: string } | undefined)?.path;
      // Nest answers unknown paths from a catch-all `{*splat}` route: that is not a route of ours.
      const route = path && !path.includes('{*') ? `${req.baseUrl}${path}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }
}

/**
 * Prometheus metrics. prom-client's registry is process-global: default metrics are collected once per process
 * even when several app instances run in one process (tests).
 */
@Global()
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      defaultMetrics: { enabled: !register.getSingleMetric('process_cpu_user_seconds_total') },
    }),
  ],
  providers: [
    makeHistogramProvider({
      name: HTTP_DURATION,
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    }),
    HttpMetricsMiddleware,
    discordInvalidRequestsProvider,
    DiscordInvalidRequests,
  ],
  exports: [PrometheusModule, HttpMetricsMiddleware, DiscordInvalidRequests],
})
export class MetricsModule {}
