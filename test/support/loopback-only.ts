/**
 * Jest setup for every test file: any socket to a host other than loopback throws at once. "No test touches
 * the internet" is then enforced, not hoped for — a test that forgets to point a client at a local fake fails
 * with a clear message instead of reaching discord.com or kaltura.com.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;
const original = net.Socket.prototype.connect;

type ConnectArgs = Parameters<typeof original>;

function targetHost(args: unknown[]): string | undefined {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const opts = first as { host?: string; path?: string };
    if (opts.path) return undefined; // unix socket
    return opts.host ?? 'localhost';
  }
  if (typeof first === 'number') return typeof second === 'string' ? second : 'localhost';
  return undefined; // unix socket path
}

net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const host = targetHost(Array.isArray(args[0]) ? (args[0] as unknown[]) : args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`Tests must not touch the network: refused a connection to ${host}`);
  }
  return original.apply(this, args as ConnectArgs);
} as typeof original;
