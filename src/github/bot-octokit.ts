import { ProbotOctokit } from "probot";

/**
 * Probot's client without its own retries (its throttling stays): after a 5xx or a lost answer,
 * Probot's retry plugin sends the same POST again by itself — a workflow dispatch, a comment or a
 * lock ref GitHub may already have taken, twice. The bot's work queue tries failed work again
 * instead, from GitHub's state read afresh, and the secondary-limit wait is the bot's own.
 */
export const BotOctokit = ProbotOctokit.defaults((options: object) => ({
  ...options,
  retry: { enabled: false },
}));
