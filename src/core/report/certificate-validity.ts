import type { Certificate } from "../pki/read-certificate.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where a certificate stands today: expiring means within the reminder window. */
export type ValidityStatus = "valid" | "expiring" | "expired" | "not-yet-valid";

/** A certificate's serial and dates, as the report shows them (dates in ISO 8601, UTC). */
export interface CertificateValidity {
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days from now to notAfter, rounded down: negative once expired. */
  readonly daysLeft: number;
  readonly status: ValidityStatus;
}

/** The validity of `certificate` at `now`, expiring when it ends within `warnDays` days. */
export function certificateValidity(
  certificate: Certificate,
  now: Date,
  warnDays: number,
): CertificateValidity {
  const left = certificate.notAfter.getTime() - now.getTime();
  return {
    serial: certificate.serialNumber.toLowerCase(),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    daysLeft: Math.floor(left / DAY_MS),
    status: validityStatus(certificate, now, warnDays),
  };
}

function validityStatus(certificate: Certificate, now: Date, warnDays: number): ValidityStatus {
  if (now > certificate.notAfter) return "expired";
  if (now < certificate.notBefore) return "not-yet-valid";
  if (certificate.notAfter.getTime() - now.getTime() <= warnDays * DAY_MS) return "expiring";
  return "valid";
}
