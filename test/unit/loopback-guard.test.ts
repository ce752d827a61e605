import type { LookupFunction } from 'node:net';
import net from 'node:net';
import { describe, expect, it } from 'vitest';

// Should the guard ever fail, this lookup keeps the attempt local: no DNS query, no connection.
const failingLookup: LookupFunction = (_hostname, _options, callback) => {
  callback(new Error('lookup disabled in this test'), '', 4);
};

describe('loopback-only test guard', () => {
  it('rejects net.connect to a non-loopback host name', () => {
    expect(() =>
      net.connect({ host: 'northflank.invalid', port: 443, lookup: failingLookup }),
    ).toThrow(/loopback/);
  });

  it('rejects socket.connect to a non-loopback host name', () => {
    const socket = new net.Socket();

    expect(() =>
      socket.connect({ host: 'metadata.invalid', port: 80, lookup: failingLookup }),
    ).toThrow(/loopback/);
    socket.destroy();
  });

  it('allows a connection to 127.0.0.1', () => {
    const socket = net.connect(9, '127.0.0.1');
    socket.on('error', () => {});
    socket.destroy();
  });
});
