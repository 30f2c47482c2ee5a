import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { once } from 'node:events';
import { Body, Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  BODY_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  LISTEN_BACKLOG,
  REQUEST_TIMEOUT_MS,
  SERVER_TIMEOUTS,
  ServerTimeouts,
  listen,
} from '../../src/platform/http';
import { eventually } from '../support/eventually';

@Controller()
class PingController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

/** The listener's accept queue, as the kernel reports it: `ss` shows a listening socket's backlog as Send-Q. */
function kernelBacklog(port: number): number {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  return Number(line.split(/\s+/)[2]);
}

/** A raw connection that collects what the server sends and knows when the server closed it. */
async function rawConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  return { socket, closed, received: () => received };
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
    // Real time on purpose: the test is about Node's own server timeouts, which no injected clock reaches.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(socket.readableEnded).toBe(false);
    await ask();
    expect(received.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    socket.destroy();
  }, 20_000);

  describe('slow clients (timers shortened; the shipped values are checked below)', () => {
    const short: ServerTimeouts = {
      ...SERVER_TIMEOUTS,
      requestMs: 600,
      bodyMs: 600,
      checkIntervalMs: 100,
    };
    let port: number;
    beforeEach(async () => {
      await listen(app, 0, '127.0.0.1', short);
      port = (app.getHttpServer().address() as AddressInfo).port;
    });

    it('ends a request whose headers trickle in with 408 and closes the connection', async () => {
      const c = await rawConnection(port);
      const start = Date.now();
      c.socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\n');
      const closedAt = await c.closed;
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAt - start).toBeGreaterThanOrEqual(short.requestMs - 50);
    });

    it('ends a request whose body trickles in with a 408 problem and closes the connection', async () => {
      const c = await rawConnection(port);
      const start = Date.now();
      c.socket.write(
        'POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      );
      const closedAt = await c.closed;
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(c.received()).toMatch(/content-type: application\/problem\+json/i);
      expect(c.received()).toContain('"code":"REQUEST_TIMEOUT"');
      expect(closedAt - start).toBeGreaterThanOrEqual(short.bodyMs - 50);
    });

    it('serves a body that arrives within the deadline, and keeps the connection', async () => {
      const c = await rawConnection(port);
      const body = '{"a":1}';
      c.socket.write(
        `POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{"a"`,
      );
      // Real time on purpose: the body deadline under test is counted by the server's own timers.
      await new Promise((resolve) => setTimeout(resolve, short.bodyMs / 3));
      c.socket.write(body.slice(4));
      // Past the deadline the watched request would have been cut: the connection must still be there.
      await new Promise((resolve) => setTimeout(resolve, short.bodyMs * 2));
      expect(c.received()).toMatch(/^HTTP\/1\.1 201 /);
      expect(c.received()).toContain('{"a":1}');
      expect(c.socket.readableEnded).toBe(false);
      c.socket.destroy();
    });

    it('leaves an idle keep-alive connection to the keep-alive timer, not the request or body timers', async () => {
      const c = await rawConnection(port);
      c.socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
      // Real time on purpose: idle past the request/body deadlines, which the server's own timers count.
      await new Promise((resolve) => setTimeout(resolve, (short.requestMs + short.checkIntervalMs) * 2));
      c.socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await eventually(
        () => (c.received().match(/HTTP\/1\.1 200/g) ?? []).length >= 2,
        5_000,
        'the second answer',
      );
      expect(c.received().match(/HTTP\/1\.1 200/g)).toHaveLength(2);
      c.socket.destroy();
    });
  });

  it("ships request and body deadlines far shorter than Node's 300 s, and keeps keep-alive below headers", async () => {
    await listen(app, 0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    expect(server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(REQUEST_TIMEOUT_MS).toBe(30_000);
    expect(BODY_TIMEOUT_MS).toBe(30_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });

  it('listens on every interface without a host, as app.listen does', async () => {
    await listen(app, 0);
    const { port, address } = app.getHttpServer().address() as AddressInfo;
    expect(['::', '0.0.0.0']).toContain(address);
    expect(kernelBacklog(port)).toBeGreaterThan(511);
  });
});
