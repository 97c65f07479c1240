// oidc-provider builds its absolute URLs (discovery, redirects, audiences) from the request's
// protocol and host. The contract says every link comes from `issuer`, whatever Host or
// X-Forwarded-Host says, so the request is pinned to the issuer's origin before the provider sees it.
import type { IncomingMessage } from 'node:http';

export function createIssuerOriginPin(issuer: string, trustProxy: boolean) {
  const { host, protocol } = new URL(issuer);
  const proto = protocol.slice(0, -1);
  return function pinIssuerOrigin(req: IncomingMessage): void {
    req.headers.host = host;
    // The provider runs with proxy=true so these two decide its origin (https behind a TLS proxy too).
    req.headers['x-forwarded-host'] = host;
    req.headers['x-forwarded-proto'] = proto;
    // Client addresses from X-Forwarded-For are believed only behind a trusted proxy.
    if (!trustProxy) delete req.headers['x-forwarded-for'];
  };
}
