import type { Probot } from "probot";

/**
 * The Probot wiring: one small handler per event. The pull-request, approval and reconcile
 * handlers arrive with their issues; until then the app only starts and answers its health check.
 */
export default function kawsBot(app: Probot): void {
  app.log.info("kaws-bot started");
}
