/** The `/kaws` commands a comment can hold: one per comment, on a line of its own. */
export type KawsCommand =
  | { name: "approve" }
  | { name: "approve-cancel" }
  | { name: "help" }
  | { name: "reencrypt" }
  | { name: "rotate"; cluster: string }
  | { name: "provision"; cluster: string }
  | { name: "unknown"; text: string };

const LINE = /^\s*\/kaws\s+(.*?)\s*$/m;

/** The command in a comment body, or null when there is none. */
export function parseKawsCommand(body: string | null | undefined): KawsCommand | null {
  const match = LINE.exec(body ?? "");
  if (match === null) return null;
  const words = (match[1] as string).split(/\s+/).filter(Boolean);
  const [verb, argument, extra] = words;
  if (verb === "approve" && argument === undefined) return { name: "approve" };
  if (verb === "approve" && argument === "cancel" && extra === undefined) return { name: "approve-cancel" };
  if (verb === "help" && argument === undefined) return { name: "help" };
  if (verb === "reencrypt" && argument === undefined) return { name: "reencrypt" };
  if ((verb === "rotate" || verb === "provision") && argument !== undefined && extra === undefined)
    return { name: verb, cluster: argument };
  return { name: "unknown", text: words.join(" ") };
}

export const HELP_TEXT = `**kaws commands** (maintainers only, one per comment):
- \`/kaws approve\` — approve this pull request's current commit (the one the bot last reported)
- \`/kaws approve cancel\` — withdraw your approval
- \`/kaws reencrypt\` — re-encrypt every private key to the current admins and the bot
- \`/kaws rotate <cluster>\` — open a pull request with a new CA, master and node keys
- \`/kaws provision <cluster>\` — run the provisioning workflow for a cluster
- \`/kaws help\` — this list`;
