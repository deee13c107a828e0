import { readPacketHeader } from "./packet-header.js";

const SECRET_KEY = 5;
const SECRET_SUBKEY = 7;
/** A transferable key is a few dozen packets; past this the bytes are something else. */
const MAX_PACKETS = 4096;

/** Public-key algorithms whose public part is a fixed count of MPIs (RFC 9580 section 5.5.5). */
const MPI_COUNTS: Record<number, number> = { 1: 2, 2: 2, 3: 2, 16: 3, 17: 4, 20: 3 };
/** ECDH, ECDSA and legacy EdDSA: a curve OID, then the point as an MPI (ECDH adds KDF parameters). */
const ECDH = 18;
const CURVE_ALGORITHMS = new Set([ECDH, 19, 22]);
/** X25519, X448, Ed25519, Ed448: the public key as raw bytes of a fixed size. */
const FIXED_SIZES: Record<number, number> = { 25: 32, 26: 56, 27: 32, 28: 57 };

/**
 * True when binary OpenPGP data (a file, or what a base64 run decodes to) holds a secret-key or
 * secret-subkey packet, in old- or new-format headers, passphrase-protected or not. The top-level
 * packets are walked from the start by their lengths, so the walk is linear and random bytes stop
 * it at once; a packet counts only when its public part parses exactly, as a key's does.
 */
export function hasSecretKeyPacket(data: Uint8Array): boolean {
  let offset = 0;
  for (let count = 0; offset < data.length && count < MAX_PACKETS; count++) {
    let end: number;
    try {
      const packet = readPacketHeader(data, offset);
      if (packet.tag === 0 || packet.partial) return false;
      end = packet.bodyStart + packet.bodyLength;
      if (end > data.length) return false;
      const isSecret = packet.tag === SECRET_KEY || packet.tag === SECRET_SUBKEY;
      if (isSecret && isSecretKeyBody(data.subarray(packet.bodyStart, end))) return true;
    } catch {
      return false;
    }
    offset = end;
  }
  return false;
}

/** Version, creation time, algorithm, public parameters, then a valid S2K usage octet. */
function isSecretKeyBody(body: Uint8Array): boolean {
  const version = body[0];
  let algorithm: number | undefined;
  let paramsStart: number;
  let declaredEnd: number | null = null;
  if (version === 4) {
    algorithm = body[5];
    paramsStart = 6;
  } else if (version === 3) {
    algorithm = body[7]; // after a 2-octet validity period
    paramsStart = 8;
    if (algorithm !== 1 && algorithm !== 2 && algorithm !== 3) return false;
  } else if (version === 5 || version === 6) {
    algorithm = body[5];
    paramsStart = 10; // after a 4-octet length of the public parameters
    if (body.length < paramsStart) return false;
    declaredEnd = paramsStart + new DataView(body.buffer, body.byteOffset + 6, 4).getUint32(0);
  } else return false;
  if (algorithm === undefined) return false;
  const paramsEnd = publicParamsEnd(body, paramsStart, algorithm);
  if (paramsEnd === null || (declaredEnd !== null && paramsEnd !== declaredEnd)) return false;
  const usage = body[paramsEnd];
  if (usage === undefined) return false;
  // 0 clear, 253 AEAD, 254 SHA-1 checked, 255 checksummed; v3/v4 also allow a bare cipher id
  return usage === 0 || usage >= 253 || (version <= 4 && usage <= 13);
}

function publicParamsEnd(body: Uint8Array, start: number, algorithm: number): number | null {
  const mpis = MPI_COUNTS[algorithm];
  if (mpis !== undefined) {
    let offset: number | null = start;
    for (let i = 0; i < mpis && offset !== null; i++) offset = mpiEnd(body, offset);
    return offset;
  }
  const fixed = FIXED_SIZES[algorithm];
  if (fixed !== undefined) return start + fixed <= body.length ? start + fixed : null;
  if (!CURVE_ALGORITHMS.has(algorithm)) return null;
  const oidLength = body[start] ?? 0;
  const oidFirst = body[start + 1];
  if (oidLength < 3 || oidLength > 10 || (oidFirst !== 0x2a && oidFirst !== 0x2b)) return null;
  let offset = mpiEnd(body, start + 1 + oidLength);
  if (offset !== null && algorithm === ECDH) {
    // KDF parameters: length 3, reserved 1, hash, cipher
    if (body[offset] !== 3 || body[offset + 1] !== 1) return null;
    offset += 4;
  }
  return offset !== null && offset <= body.length ? offset : null;
}

function mpiEnd(body: Uint8Array, offset: number): number | null {
  const high = body[offset];
  const low = body[offset + 1];
  if (high === undefined || low === undefined) return null;
  const end = offset + 2 + ((((high << 8) | low) + 7) >> 3);
  return end <= body.length ? end : null;
}
