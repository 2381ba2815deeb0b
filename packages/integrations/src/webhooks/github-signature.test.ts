import { describe, expect, it } from 'vitest';
import { verifyGithubSignature } from './github-signature.js';

// docs.github.com, "Validating webhook deliveries": the test values GitHub publishes.
const SECRET = "It's a Secret to Everybody";
const PAYLOAD = 'Hello, World!';
const EXPECTED = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('verifyGithubSignature', () => {
  it("accepts GitHub's documented test vector", async () => {
    expect(await verifyGithubSignature({ secrets: SECRET, body: bytes(PAYLOAD), signatureHeader: EXPECTED })).toBe(true);
  });

  it('accepts any of several secrets (rotation), in any order', async () => {
    expect(await verifyGithubSignature({ secrets: ['new secret', SECRET], body: bytes(PAYLOAD), signatureHeader: EXPECTED })).toBe(true);
    expect(await verifyGithubSignature({ secrets: [SECRET, 'new secret'], body: bytes(PAYLOAD), signatureHeader: EXPECTED })).toBe(true);
  });

  it('refuses another secret, an altered body and an altered signature', async () => {
    expect(await verifyGithubSignature({ secrets: 'another', body: bytes(PAYLOAD), signatureHeader: EXPECTED })).toBe(false);
    expect(await verifyGithubSignature({ secrets: SECRET, body: bytes('Hello, World?'), signatureHeader: EXPECTED })).toBe(false);
    expect(await verifyGithubSignature({ secrets: SECRET, body: bytes(`${PAYLOAD} `), signatureHeader: EXPECTED })).toBe(false);
    const flipped = `${EXPECTED.slice(0, -1)}${EXPECTED.endsWith('7') ? '8' : '7'}`;
    expect(await verifyGithubSignature({ secrets: SECRET, body: bytes(PAYLOAD), signatureHeader: flipped })).toBe(false);
  });

  it('refuses missing and malformed headers, SHA-1 signatures, empty bodies and empty secrets without throwing', async () => {
    const body = bytes(PAYLOAD);
    for (const signatureHeader of [null, undefined, '', 'sha256=', EXPECTED.toUpperCase(), EXPECTED.slice(7), `${EXPECTED}00`, 'sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59']) {
      expect(await verifyGithubSignature({ secrets: SECRET, body, signatureHeader })).toBe(false);
    }
    expect(await verifyGithubSignature({ secrets: SECRET, body: new Uint8Array(), signatureHeader: EXPECTED })).toBe(false);
    expect(await verifyGithubSignature({ secrets: [], body, signatureHeader: EXPECTED })).toBe(false);
    expect(await verifyGithubSignature({ secrets: [''], body, signatureHeader: EXPECTED })).toBe(false);
  });

  it('refuses a body that is not UTF-8 (a signature over text cannot cover it)', async () => {
    const body = new Uint8Array([0x48, 0xff, 0xfe]);
    expect(await verifyGithubSignature({ secrets: SECRET, body, signatureHeader: EXPECTED })).toBe(false);
  });
});
