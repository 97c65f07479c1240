// A relying party's back-channel logout endpoint that verifies each logout token as OpenID Connect
// Back-Channel Logout 1.0 §2.6 says: signature against the provider's JWKS, iss, aud, iat, the
// backchannel-logout event, sid or sub, no nonce. Verified tokens are kept; others get a 400.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJwks, verifyJwt } from './jwt-verify.ts';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface LogoutReceiverServer {
  url: string;
  /** The provider whose tokens are expected (set once it listens: its clients file names this receiver first). */
  issuer: string;
  /** The verified logout tokens' payloads, in arrival order. */
  received: Record<string, unknown>[];
  /** Why each refused token was refused. */
  refused: string[];
  close(): Promise<void>;
}

export async function startLogoutReceiver({ clientId, alg = 'RS256' }: { clientId: string; alg?: string }): Promise<LogoutReceiverServer> {
  const received: Record<string, unknown>[] = [];
  const refused: string[] = [];
  const seenJti = new Set<unknown>();

  async function check(token: string): Promise<Record<string, unknown>> {
    const { issuer } = receiver;
    const { header, payload } = verifyJwt(token, await fetchJwks(issuer));
    const now = Math.floor(Date.now() / 1000);
    if (header.alg !== alg) throw new Error(`alg ${header.alg}, expected ${alg}`);
    if (header.typ !== 'logout+jwt') throw new Error(`typ ${String(header.typ)}, expected logout+jwt`);
    if (payload.iss !== issuer) throw new Error(`iss ${String(payload.iss)}`);
    if (!(payload.aud === clientId || (Array.isArray(payload.aud) && payload.aud.includes(clientId)))) throw new Error(`aud ${String(payload.aud)}`);
    if (typeof payload.iat !== 'number' || Math.abs(payload.iat - now) > 300) throw new Error('iat missing or far off');
    if (typeof payload.exp === 'number' && payload.exp < now) throw new Error('expired');
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') throw new Error('no backchannel-logout event');
    if (typeof payload.sid !== 'string' && typeof payload.sub !== 'string') throw new Error('neither sid nor sub');
    if ('nonce' in payload) throw new Error('a nonce is forbidden in a logout token');
    if (typeof payload.jti !== 'string' || seenJti.has(payload.jti)) throw new Error('jti missing or replayed');
    seenJti.add(payload.jti);
    return payload;
  }

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = req.method === 'POST' && /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '') ? new URLSearchParams(body).get('logout_token') : null;
      if (!token) {
        refused.push('no logout_token form field');
        res.writeHead(400).end();
        return;
      }
      check(token).then(
        (payload) => {
          received.push(payload);
          res.writeHead(200, { 'Cache-Control': 'no-store' }).end();
        },
        (error: Error) => {
          refused.push(error.message);
          res.writeHead(400).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: LogoutReceiverServer = {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    issuer: '',
    received,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return receiver;
}
