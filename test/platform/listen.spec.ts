import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { once } from 'node:events';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KEEP_ALIVE_TIMEOUT_MS, LISTEN_BACKLOG, listen } from '../../src/platform/http';

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

  it('keeps an idle keep-alive connection open longer than the proxies in front of it (60 s), not 5 s', async () => {
    await listen(app, 0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(KEEP_ALIVE_TIMEOUT_MS);

    // Node's default would close this connection after 5 s idle (plus the 1 s it allows itself): the second
    // request, 7 s later, must still find it open.
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const ask = async (): Promise<void> => {
      const before = received.split('pong').length;
      socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
      while (received.split('pong').length === before) {
        if (socket.destroyed || socket.readableEnded) throw new Error('connection closed');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await ask();
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(socket.readableEnded).toBe(false);
    await ask();
    expect(received.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    socket.destroy();
  }, 20_000);

  it('listens on every interface without a host, as app.listen does', async () => {
    await listen(app, 0);
    const { port, address } = app.getHttpServer().address() as AddressInfo;
    expect(['::', '0.0.0.0']).toContain(address);
    expect(kernelBacklog(port)).toBeGreaterThan(511);
  });
});
