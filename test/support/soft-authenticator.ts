// A WebAuthn authenticator in software (ES256, attestation "none", discoverable credentials that
// verify their user), for the HTTP flow tests and the benchmark: what a browser and a passkey
// answer, built by hand from the WebAuthn spec's byte layouts.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

interface Credential {
  id: Buffer;
  /** The COSE public key, as a registration hands it to the server. */
  publicKey: Buffer;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** Flags: user present, user verified; AT when a credential is attached (registration). */
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

/** `origin` is the page's (the issuer's): its host is the RP ID the credentials are scoped to. */
export function createSoftAuthenticator(defaultOrigin: string) {
  const credentials = new Map<string, Credential>();
  const rpIdHash = (origin: string) => sha256(new URL(origin).hostname);

  const clientData = (type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string) => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const counterBytes = (counter: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(counter);
    return bytes;
  };

  return {
    /** Answers registration options (from the server's JSON) with a new ES256 credential. */
    register(options: { challenge: string; user: { id: string } }, origin = defaultOrigin) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
      const id = randomBytes(16);
      const coseKey = new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x, 'base64url')],
        [-3, Buffer.from(jwk.y, 'base64url')],
      ]);
      const publicKeyBytes = Buffer.from(isoCBOR.encode(coseKey));
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(id.length);
      const authData = Buffer.concat([rpIdHash(origin), Buffer.from([UP | UV | AT]), counterBytes(0), Buffer.alloc(16), idLength, id, publicKeyBytes]);
      const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(authData)]]) as never);
      credentials.set(b64url(id), { id, publicKey: publicKeyBytes, privateKey, userHandle: options.user.id, counter: 0 });
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: 'public-key',
        response: { clientDataJSON: b64url(clientData('webauthn.create', options.challenge, origin)), attestationObject: b64url(attestationObject), transports: ['internal'] },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },

    /** Answers authentication options with the credential `id` (or the first allowed one, or the only one held). */
    assert(options: { challenge: string; allowCredentials?: { id: string }[] }, id?: string, origin = defaultOrigin) {
      const chosen = id ?? options.allowCredentials?.[0]?.id ?? [...credentials.keys()][0];
      const credential = chosen ? credentials.get(chosen) : undefined;
      if (!credential) throw new Error('the soft authenticator holds no such credential');
      credential.counter += 1;
      const authData = Buffer.concat([rpIdHash(origin), Buffer.from([UP | UV]), counterBytes(credential.counter)]);
      const data = clientData('webauthn.get', options.challenge, origin);
      const signature = sign('sha256', Buffer.concat([authData, sha256(data)]), credential.privateKey);
      return {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: 'public-key',
        response: { clientDataJSON: b64url(data), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: credential.userHandle },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },

    credentialIds: () => [...credentials.keys()],

    /** What a server stores of credential `id` (its public key, base64url COSE), for seeding a store directly. */
    publicKeyOf(id: string): string {
      const credential = credentials.get(id);
      if (!credential) throw new Error('the soft authenticator holds no such credential');
      return b64url(credential.publicKey);
    },
  };
}

export type SoftAuthenticator = ReturnType<typeof createSoftAuthenticator>;
