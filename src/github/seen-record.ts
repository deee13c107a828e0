import { parseKawsCommand } from "../core/policy/kaws-commands.js";
import { EMPTY_RECORD, type ApprovalRecord } from "../core/report/approval-record.js";

interface CommentEventPayload {
  readonly action: string;
  readonly comment: {
    readonly id: number;
    readonly body?: string | null;
    readonly created_at: string;
    readonly user?: { readonly login: string; readonly type?: string } | null;
  };
  readonly changes?: { readonly body?: { readonly from?: string } };
}

/**
 * What an `issue_comment` delivery shows, whatever became of the comment since: a
 * `/kaws approve cancel` in the body it was created with, the body an edit replaced
 * (`changes.body.from`) or the body of a deleted comment; and an edit of an approval comment, which
 * then never counts. GitHub signs the delivery, so this is what was really written.
 */
export function seenRecord(payload: CommentEventPayload): ApprovalRecord {
  const { comment } = payload;
  const login = comment.user?.login;
  if (login === undefined || comment.user?.type === "Bot") return EMPTY_RECORD;
  const bodies = [comment.body, payload.action === "edited" ? payload.changes?.body?.from : undefined];
  const commands = bodies.map((body) => parseKawsCommand(body)?.name);
  return {
    cancels: commands.includes("approve-cancel")
      ? [{ login: login.toLowerCase(), at: new Date(comment.created_at) }]
      : [],
    editedComments: payload.action === "edited" && commands.includes("approve") ? [comment.id] : [],
    pushers: [],
  };
}
