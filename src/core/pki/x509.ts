// reflect-metadata must load before @peculiar/x509, or its ASN.1 schemas throw at import.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
