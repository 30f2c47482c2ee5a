import net from 'node:net';

describe('test network guard (test/support/loopback-only.ts)', () => {
  it('refuses connections beyond loopback, whatever client makes them', async () => {
    expect(() => net.connect(443, '93.184.216.34')).toThrow(/must not touch the network/);
    expect(() => net.connect({ host: 'discord.com', port: 443 })).toThrow(/discord\.com/);
    await expect(fetch('https://www.kaltura.com/api_v3/')).rejects.toThrow();
  });

  it('lets loopback through', (done) => {
    const server = net.createServer((s) => s.end());
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        server.close(() => done());
      });
    });
  });
});
