// Rotating cookie keys across nodes that do not all have the new key yet: verification codes and
// queued mail are keyed or sealed with a node's first key and accepted under any configured key.
import { codeMatches, deriveCodeKeys, hashCode } from '../../src/signup/verification-codes.ts';
import { createPayloadSealer } from '../../src/security/payload-sealer.ts';

const OLD = 'the-old-cookie-key-that-every-node-has-0123';
const NEW = 'the-new-cookie-key-being-rolled-out-456789';
const OTHER = 'a-key-that-no-node-of-this-cluster-has-00';

test('a code issued under one node\'s first key verifies on a node that lists that key anywhere', () => {
  // Step 1 of a rotation: the new key is added second everywhere; step 2: it moves first, node by node.
  const stillOld = deriveCodeKeys([OLD]);
  const addedSecond = deriveCodeKeys([OLD, NEW]);
  const promoted = deriveCodeKeys([NEW, OLD]);

  const fromOldNode = hashCode(stillOld, 'ver-1', 'email', '123456');
  expect(codeMatches(promoted, 'ver-1', 'email', '123456', fromOldNode)).toBe(true);
  expect(codeMatches(addedSecond, 'ver-1', 'email', '123456', fromOldNode)).toBe(true);

  const fromPromotedNode = hashCode(promoted, 'ver-2', 'phone', '654321');
  expect(codeMatches(addedSecond, 'ver-2', 'phone', '654321', fromPromotedNode)).toBe(true);
  // Keyed with the first key: a node that lacks it cannot check the code.
  expect(codeMatches(stillOld, 'ver-2', 'phone', '654321', fromPromotedNode)).toBe(false);

  // Every key tried still means the right code only, for the right record and channel.
  expect(codeMatches(promoted, 'ver-1', 'email', '123457', fromOldNode)).toBe(false);
  expect(codeMatches(promoted, 'ver-9', 'email', '123456', fromOldNode)).toBe(false);
  expect(codeMatches(promoted, 'ver-1', 'phone', '123456', fromOldNode)).toBe(false);
  expect(codeMatches(deriveCodeKeys([OTHER]), 'ver-1', 'email', '123456', fromOldNode)).toBe(false);
});

test('codes are keyed with the first key only', () => {
  expect(hashCode(deriveCodeKeys([NEW, OLD]), 'ver-1', 'email', '123456')).toBe(hashCode(deriveCodeKeys([NEW]), 'ver-1', 'email', '123456'));
  expect(hashCode(deriveCodeKeys([NEW, OLD]), 'ver-1', 'email', '123456')).not.toBe(hashCode(deriveCodeKeys([OLD]), 'ver-1', 'email', '123456'));
});

test('a mail job sealed on a node with the new key first opens on a node that has it second, and the other way round', () => {
  const promoted = createPayloadSealer([NEW, OLD]);
  const addedSecond = createPayloadSealer([OLD, NEW]);
  const message = { to: 'ann@example.com', subject: 'Invited', html: '<a href="https://id.example/invite/tok">', text: 'tok' };
  expect(addedSecond.open(promoted.seal(message))).toEqual(message);
  expect(promoted.open(addedSecond.seal(message))).toEqual(message);
  // Sealed with the first key: a node that has neither key listed cannot open it.
  expect(() => createPayloadSealer([OTHER]).open(promoted.seal(message))).toThrow('no key opens this payload');
});
