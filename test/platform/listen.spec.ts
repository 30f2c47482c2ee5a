import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LISTEN_BACKLOG, listen } from '../../src/platform/http';

@Controller()
class PingController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

/** The listener's accept queue, as the kernel reports it: `ss` shows a listening socket's backlog as Send-Q. */
function kernelBacklog(port: number): number {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  return Number(line.split(/\s+/)[2]);
}

describe('listen', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await NestFactory.create(PingModule, { logger: false });
  });
  afterEach(async () => {
    await app.close();
  });

  it(`asks the kernel for a backlog of ${LISTEN_BACKLOG} connections (Node's default is 511)`, async () => {
    await listen(app, 0, '127.0.0.1');
    const { port, address } = app.getHttpServer().address() as AddressInfo;
    expect(address).toBe('127.0.0.1');
    const somaxconn = Number(execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }));
    expect(kernelBacklog(port)).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    const res = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(await res.text()).toBe('pong');
  });

  it('listens on every interface without a host, as app.listen does', async () => {
    await listen(app, 0);
    const { port, address } = app.getHttpServer().address() as AddressInfo;
    expect(['::', '0.0.0.0']).toContain(address);
    expect(kernelBacklog(port)).toBeGreaterThan(511);
  });
});
