/** The `/kaws` commands a comment can hold: one per comment, on a line of its own. */
export type KawsCommand =
  | { name: "approve"; sha?: string }
  | { name: "approve-cancel" }
  | { name: "help" }
  | { name: "reencrypt" }
  | { name: "rotate"; cluster: string }
  | { name: "provision"; cluster: string }
  | { name: "too-long" }
  | { name: "unknown"; text: string };

/** Bodies longer than this are not read (DESIGN 4.1): a command is one short line. */
export const MAX_COMMAND_BODY = 64 * 1024;
/** `/kaws approve <sha>`: all 40 hexadecimal digits (a short prefix can be made to collide). */
const SHA = /^[0-9a-f]{40}$/i;

/**
 * The command in a comment body, or null when there is none. Linear in the body's size: lines are
 * split once and only a line starting with `/kaws` is looked at (no pattern spans lines).
 */
export function parseKawsCommand(body: string | null | undefined): KawsCommand | null {
  const text = body ?? "";
  if (text.length > MAX_COMMAND_BODY) return text.includes("/kaws") ? { name: "too-long" } : null;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("/kaws")) continue;
    const words = trimmed.split(/\s+/);
    if (words[0] !== "/kaws" || words.length < 2) continue;
    return commandOf(words.slice(1));
  }
  return null;
}

function commandOf(words: readonly string[]): KawsCommand {
  const [verb, argument, extra] = words;
  if (verb === "approve" && argument === undefined) return { name: "approve" };
  if (verb === "approve" && argument === "cancel" && extra === undefined) return { name: "approve-cancel" };
  if (verb === "approve" && argument !== undefined && SHA.test(argument) && extra === undefined)
    return { name: "approve", sha: argument.toLowerCase() };
  if (verb === "help" && argument === undefined) return { name: "help" };
  if (verb === "reencrypt" && argument === undefined) return { name: "reencrypt" };
  if ((verb === "rotate" || verb === "provision") && argument !== undefined && extra === undefined)
    return { name: verb, cluster: argument };
  return { name: "unknown", text: words.join(" ") };
}

export const HELP_TEXT = `**kaws commands** (maintainers only, one per comment):
- \`/kaws approve <sha>\` — approve this pull request's commit \`<sha>\` (its full 40-digit id, as the bot's comment shows it)
- \`/kaws approve\` — approve the commit the bot last reported before your comment (when that is certain)
- \`/kaws approve cancel\` — withdraw your approvals of this pull request (editing or deleting it later does not restore them)
- \`/kaws reencrypt\` — re-encrypt every private key to the current admins and the bot
- \`/kaws rotate <cluster>\` — open a pull request with a new CA, master and node keys
- \`/kaws provision <cluster>\` — run the provisioning workflow for a cluster
- \`/kaws help\` — this list`;
