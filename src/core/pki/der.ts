/** The first element inside a DER SEQUENCE, as the exact bytes it was encoded with (tag, length and content). */
export function firstElementOfSequence(der: Uint8Array): Uint8Array {
  const outer = readTlv(der, 0);
  if (der[0] !== 0x30) throw new Error("not a DER SEQUENCE");
  const inner = readTlv(der, outer.contentStart);
  return der.subarray(outer.contentStart, inner.contentStart + inner.length);
}

function readTlv(der: Uint8Array, offset: number): { contentStart: number; length: number } {
  const first = der[offset + 1];
  if (first === undefined) throw new Error("truncated DER");
  if (first < 0x80) return { contentStart: offset + 2, length: first };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error("unsupported DER length");
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (der[offset + 2 + i] ?? Number.NaN);
  if (!Number.isFinite(length) || offset + 2 + count + length > der.length) throw new Error("truncated DER");
  return { contentStart: offset + 2 + count, length };
}
