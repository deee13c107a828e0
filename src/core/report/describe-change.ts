import type { AccessRequest, PendingAction, RenewedCertificate } from "../policy/evaluate-change.js";
import type { IdentityBinding } from "../policy/judge-identity-binding.js";

/** "@alice asks for a certificate on prod with groups developers (key …, registered on GitHub)" */
export function describeRequest(request: AccessRequest, bindings: readonly IdentityBinding[]): string {
  const groups =
    request.groups.length > 0 ? `groups ${request.groups.map((g) => `\`${g}\``).join(", ")}` : "no groups";
  const key = request.signerFingerprint
    ? `signed with key \`${request.signerFingerprint}\``
    : "**signature not verified**";
  const binding = bindings.find((b) => b.login === request.login);
  const bound =
    binding === undefined
      ? ""
      : binding.method === "fingerprint"
        ? ", registered on their GitHub account"
        : binding.method === "key-id"
          ? ", matched on GitHub by key ID"
          : ", **not registered on their GitHub account**";
  const warning =
    request.privilegedGroups.length > 0
      ? ` ⚠️ **${request.privilegedGroups.join(", ")} gives unrestricted control of the cluster.**`
      : "";
  const renewal = request.renews === null ? "" : ` It ${describeRenewal(request.renews)}.`;
  return `@${request.login} asks for a certificate on **${request.cluster}** with ${groups}, ${key}${bound}.${renewal}${warning}`;
}

/** "renews the certificate that expires on 2027-05-01 (serial `4b22…`)", for people. */
export function describeRenewal(renewed: RenewedCertificate): string {
  if (renewed.notAfter === null)
    return `renews the certificate it removes, \`${renewed.path}\` (which could not be read)`;
  const day = renewed.notAfter.toISOString().slice(0, 10);
  return `renews the certificate that ${renewed.expired ? "expired" : "expires"} on ${day} (serial \`${renewed.serial}\`)`;
}

export function describePending(action: PendingAction): string {
  switch (action.kind) {
    case "issue-certificate":
      return `issue ${action.login}'s certificate for ${action.cluster}`;
    case "reencrypt":
      return `re-encrypt ${action.path} to the new set of admins`;
    case "generate-pki":
      return `generate the PKI of ${action.cluster}`;
    case "rotation-advised":
      return `${action.login} is removed: re-encryption is not revocation, rotate the clusters they could read`;
  }
}

/** Pending actions for people: re-encryptions folded into one line. */
export function describePendingActions(actions: readonly PendingAction[]): string[] {
  const reencrypt = actions.filter((a) => a.kind === "reencrypt");
  const lines = actions.filter((a) => a.kind !== "reencrypt").map(describePending);
  if (reencrypt.length === 1) lines.push(describePending(reencrypt[0]!));
  if (reencrypt.length > 1) {
    const clusters = new Set(reencrypt.map((a) => a.path.split("/")[1]));
    lines.push(
      `re-encrypt ${reencrypt.length} private keys of ${clusters.size} cluster(s) to the new set of admins`,
    );
  }
  return lines;
}

/** The plain warning of a change to code that runs with the bot's key (DESIGN 4.1). */
export function describeCodeChange(codePaths: readonly string[]): string {
  const shown = codePaths
    .slice(0, 10)
    .map((p) => `\`${p}\``)
    .join(", ");
  return `⚠️ **This pull request changes code that runs with the bot's key** (${shown}${codePaths.length > 10 ? `, and ${codePaths.length - 10} more` : ""}): that key opens every cluster's private keys, and kaws cannot judge code. A maintainer must review the code itself; it needs approval like a privileged change.`;
}
