import net from 'node:net';

// Every socket the tests open goes through net.Socket#connect (undici, fetch and tls included).
// Refusing non-loopback targets here means a misconfigured test fails instead of calling the
// real Northflank API or any other host.
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\])$/;

type ConnectArguments = Parameters<net.Socket['connect']>;
const originalConnect = net.Socket.prototype.connect;

function targetHost(rawArgs: unknown[]): string | undefined {
  // net.connect() passes its arguments on already normalised, as one array.
  const args = Array.isArray(rawArgs[0]) ? (rawArgs[0] as unknown[]) : rawArgs;
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path !== undefined) return `unix:${options.path}`;
    return options.host ?? 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return `unix:${first}`;
  return typeof second === 'string' ? second : 'localhost';
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = targetHost(args);
  if (host === undefined || !LOOPBACK_HOST.test(host)) {
    throw new Error(`Tests may only connect to loopback addresses, attempted ${host}`);
  }
  return originalConnect.apply(this, args as ConnectArguments);
} as net.Socket['connect'];
