/** Which OpenPGP armor block (if any) a file starts with, ignoring leading white space. */
export function armorType(bytes: Uint8Array): string | null {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200)).trimStart();
  const match = /^-----BEGIN PGP ([A-Z ]+?)(?:, PART \d+(?:\/\d+)?)?-----/.exec(head);
  return match ? (match[1] as string) : null;
}

/** Text of an armored file; armored OpenPGP is ASCII by definition, anything else is rejected by the reader. */
export function armoredText(bytes: Uint8Array): string {
  return new TextDecoder("latin1").decode(bytes);
}
