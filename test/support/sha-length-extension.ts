/**
 * SHA-1 / SHA-256 length extension, for tests that prove a forgery is refused. Given `hash(secret + message)` and
 * the secret's length (not the secret), it yields `message + padding + suffix` and that message's valid hash:
 * the hash's output is its whole internal state, so hashing can resume from it. No npm package does this for
 * Node; the compression functions below follow FIPS 180-4 and are checked against node:crypto in the spec.
 */

type Algorithm = 'sha1' | 'sha256';

const K256 = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));

function compress256(h: Uint32Array, block: Buffer): void {
  const w = new Uint32Array(64);
  for (let i = 0; i < 16; i++) w[i] = block.readUInt32BE(i * 4);
  for (let i = 16; i < 64; i++) {
    const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
    const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  let [a, b, c, d, e, f, g, hh] = h;
  for (let i = 0; i < 64; i++) {
    const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i]) >>> 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
    [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
  }
  [a, b, c, d, e, f, g, hh].forEach((v, i) => (h[i] = (h[i] + v) >>> 0));
}

function compress1(h: Uint32Array, block: Buffer): void {
  const w = new Uint32Array(80);
  for (let i = 0; i < 16; i++) w[i] = block.readUInt32BE(i * 4);
  for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  let [a, b, c, d, e] = h;
  for (let i = 0; i < 80; i++) {
    const [f, k] =
      i < 20
        ? [(b & c) | (~b & d), 0x5a827999]
        : i < 40
          ? [b ^ c ^ d, 0x6ed9eba1]
          : i < 60
            ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc]
            : [b ^ c ^ d, 0xca62c1d6];
    const t = (rotl(a, 5) + f + e + k + w[i]) >>> 0;
    [e, d, c, b, a] = [d, c, rotl(b, 30) >>> 0, a, t];
  }
  [a, b, c, d, e].forEach((v, i) => (h[i] = (h[i] + v) >>> 0));
}

/** The Merkle–Damgård padding SHA-1 and SHA-256 append to a message of `length` bytes. */
export function mdPadding(length: number): Buffer {
  const zeros = (55 - length) % 64;
  const pad = Buffer.alloc(1 + (zeros < 0 ? zeros + 64 : zeros) + 8);
  pad[0] = 0x80;
  pad.writeBigUInt64BE(BigInt(length) * 8n, pad.length - 8);
  return pad;
}

/**
 * Forges `hash(secret + message + padding + suffix)` from `hash(secret + message)` alone.
 * @returns the forged body (without the secret) and its hex digest.
 */
export function extendHash(input: {
  algorithm: Algorithm;
  digestHex: string;
  secretLength: number;
  message: Buffer;
  suffix: Buffer;
}): { body: Buffer; digestHex: string } {
  const prefixLength = input.secretLength + input.message.length;
  const padding = mdPadding(prefixLength);
  const state = Uint32Array.from({ length: input.algorithm === 'sha1' ? 5 : 8 }, (_x, i) =>
    Buffer.from(input.digestHex, 'hex').readUInt32BE(i * 4),
  );
  const processed = prefixLength + padding.length;
  const tail = Buffer.concat([input.suffix, mdPadding(processed + input.suffix.length)]);
  const compress = input.algorithm === 'sha1' ? compress1 : compress256;
  for (let offset = 0; offset < tail.length; offset += 64)
    compress(state, tail.subarray(offset, offset + 64));
  const out = Buffer.alloc(state.length * 4);
  state.forEach((v, i) => out.writeUInt32BE(v, i * 4));
  return { body: Buffer.concat([input.message, padding, input.suffix]), digestHex: out.toString('hex') };
}
