import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError, NotFoundError } from '../../src/platform/errors';

class ProbeDto {
  @IsString()
  @MaxLength(10)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(5)
  count!: number;
}

/** Test-only routes that exercise the platform pipeline. */
@Controller('probe')
export class ProbeController {
  private readonly logger = new Logger('probe');

  @Post()
  create(@Body() body: ProbeDto) {
    return { apiVersion: '1', ...body };
  }

  @Get('domain')
  domain(): never {
    throw new NotFoundError('PROBE_NOT_FOUND', 'No such probe.');
  }

  @Get('unavailable')
  unavailable(): never {
    throw new DomainError('KALTURA_UNAVAILABLE', 'Kaltura is not answering; try again shortly.', 503);
  }

  @Get('crash')
  crash(): never {
    throw new Error('database password hunter2-secret leaked in stack');
  }

  /** Slow requests being handled now: a test waits for its request to arrive instead of pausing. */
  static slowInFlight = 0;

  @Get('slow')
  async slow(@Query('ms') ms = '500') {
    ProbeController.slowInFlight++;
    try {
      // The slowness is the point of the route (a request in flight), not a wait for something to happen.
      await new Promise((r) => setTimeout(r, Number(ms)));
      return { done: true };
    } finally {
      ProbeController.slowInFlight--;
    }
  }

  @Get('log')
  log(@Query('text') text: string) {
    this.logger.log(`probe says ${text}`);
    this.logger.warn({ detail: { secret: 'nested-secret-field', note: text } }, 'structured');
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
