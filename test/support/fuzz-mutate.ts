/**
 * Deterministic mutations for the certificate reader's fuzz test: input number `index` of a
 * run with `seed` is always the same bytes, so a failure is reproduced from two numbers.
 */

export interface FuzzSeed {
  name: string;
  bytes: Buffer;
  password?: string;
}

export interface FuzzInput {
  from: string;
  bytes: Buffer;
  password: string | undefined;
}

/** mulberry32: small, fast, good enough to pick mutations. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0x04, 0x06, 0xa0];

export function fuzzInput(corpus: readonly FuzzSeed[], seed: number, index: number): FuzzInput {
  const next = random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const pick = (n: number) => Math.floor(next() * n);
  const base = corpus[pick(corpus.length)]!;
  const text = base.bytes.toString('latin1');
  // PEM: mostly mutate the DER inside a block (armour stays valid), sometimes the text itself.
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]*?)-----END \1-----\n?/.exec(text);
  let bytes: Buffer;
  if (pem && next() < 0.7) {
    const der = mutate(Buffer.from(pem[2]!.replace(/\s/g, ''), 'base64'), next, corpus);
    const body =
      der
        .toString('base64')
        .match(/.{1,64}/g)
        ?.join('\n') ?? '';
    bytes = Buffer.from(
      text.replace(pem[0], `-----BEGIN ${pem[1]}-----\n${body}\n-----END ${pem[1]}-----\n`),
      'latin1',
    );
  } else {
    bytes = mutate(base.bytes, next, corpus);
  }
  const passwords = [base.password, undefined, 'wrong', ''];
  return { from: base.name, bytes, password: passwords[next() < 0.8 ? 0 : pick(passwords.length)] };
}

function mutate(input: Buffer, next: () => number, corpus: readonly FuzzSeed[]): Buffer {
  let bytes = Buffer.from(input);
  const pick = (n: number) => Math.floor(next() * Math.max(1, n));
  const rounds = 1 + pick(4);
  for (let round = 0; round < rounds; round += 1) {
    const at = pick(bytes.length);
    switch (pick(8)) {
      case 0: // flip bits
        if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << pick(8));
        break;
      case 1: // an interesting byte: lengths, tags, signs
        if (bytes.length > 0) bytes[at] = INTERESTING[pick(INTERESTING.length)]!;
        break;
      case 2: // delete a range
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + pick(64))]);
        break;
      case 3: // insert random bytes
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256))),
          bytes.subarray(at),
        ]);
        break;
      case 4: // duplicate a range somewhere else
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(pick(bytes.length), pick(bytes.length) + 1 + pick(256)),
          bytes.subarray(at),
        ]);
        break;
      case 5: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 6: // a long-form length claiming far more than there is
        if (bytes.length > 6)
          bytes.set([0x84, pick(256), pick(256), pick(256), pick(256)], Math.min(at, bytes.length - 5));
        break;
      default: // splice with another input
        bytes = Buffer.concat([bytes.subarray(0, at), corpus[pick(corpus.length)]!.bytes.subarray(pick(512))]);
    }
  }
  return bytes;
}
