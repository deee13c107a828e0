import type { CancelRecord } from "../core/report/cancel-record.js";
import { parseKawsCommand } from "../core/policy/kaws-commands.js";

interface CommentEventPayload {
  readonly action: string;
  readonly comment: {
    readonly body?: string | null;
    readonly created_at: string;
    readonly user?: { readonly login: string; readonly type?: string } | null;
  };
  readonly changes?: { readonly body?: { readonly from?: string } };
}

/**
 * The `/kaws approve cancel` an `issue_comment` delivery shows, whatever became of the comment:
 * the body it was created with, the body an edit replaced (`changes.body.from`), or the body of a
 * deleted comment. GitHub signs the delivery, so this is what the maintainer really wrote.
 */
export function seenCancels(payload: CommentEventPayload): CancelRecord[] {
  const { comment } = payload;
  const login = comment.user?.login;
  if (login === undefined || comment.user?.type === "Bot") return [];
  const bodies = [comment.body, payload.action === "edited" ? payload.changes?.body?.from : undefined];
  const wasCancel = bodies.some((body) => parseKawsCommand(body)?.name === "approve-cancel");
  return wasCancel ? [{ login: login.toLowerCase(), at: new Date(comment.created_at) }] : [];
}
