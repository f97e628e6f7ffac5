// Preloaded (node --require) into a child process under test: any connection or DNS lookup that is not
// loopback throws, so "no network" is asserted, not assumed.
const net = require('node:net');
const dns = require('node:dns');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', undefined, '']);

function refuse(host) {
  const error = new Error(`loopback-only: refused a connection to ${host}`);
  error.code = 'ELOOPBACKONLY';
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function loopbackOnlyConnect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  const host = typeof options === 'object' && options !== null ? options.host : args[1];
  const path = typeof options === 'object' && options !== null ? options.path : undefined;
  if (path === undefined && !LOOPBACK.has(host)) throw refuse(host);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function loopbackOnlyLookup(hostname, ...rest) {
  if (!LOOPBACK.has(hostname)) throw refuse(hostname);
  return lookup.call(this, hostname, ...rest);
};
