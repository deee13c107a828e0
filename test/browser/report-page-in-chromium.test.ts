import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { identities } from "../helpers/identities.js";
import { buildReportRepo, HOSTILE_GROUP, REPORT_NOW } from "../helpers/report-repo.js";

/**
 * The `kaws report --html` page in a real headless Chromium (Debian's package, driven by
 * playwright-core; .ci/run installs it): what a person sees at desktop and phone widths, that it
 * fetches nothing and logs no error. `UPDATE_REPORT_SCREENSHOT=1` also copies the desktop
 * screenshot to docs/report.png.
 */
const CHROMIUM = "/usr/bin/chromium";
// no network here: without these Chromium waits on look-ups and updates that never answer
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let work: string;
let pageUrl: string;
let context: BrowserContext;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "kaws-report-browser-"));
  // the repository is built while Chromium starts
  [pageUrl, context] = await Promise.all([
    writeReportPage(join(work, "repo"), join(work, "access.html")),
    chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
    }),
  ]);
});
afterAll(async () => {
  await context?.close();
  rmSync(work, { recursive: true, force: true });
});

/** `kaws report --html` on the report repository, in process; the page's file URL. */
async function writeReportPage(dir: string, file: string): Promise<string> {
  const repo = await buildReportRepo(identities(), dir);
  const quiet = { write: () => undefined };
  const status = await main(["report", "--repo", repo.dir, "--html", file], {
    stdout: quiet,
    stderr: quiet,
    now: REPORT_NOW,
  });
  expect(status).toBe(0);
  return pathToFileURL(file).href;
}

/** Open the page at a width, recording every request other than the page itself and every error. */
async function openAt(width: number): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => void (request.url() !== pageUrl && requests.push(request.url())));
  page.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
  page.on("pageerror", (error) => void errors.push(error.message));
  await page.goto(pageUrl, { waitUntil: "load" });
  return { page, requests, errors };
}

describe("the kaws report page in Chromium", () => {
  it("at desktop width shows every admin, the pending request and the expired one highlighted, fetching nothing", async () => {
    const { page, requests, errors } = await openAt(1280);
    const shot = join(work, "desktop.png");
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.UPDATE_REPORT_SCREENSHOT)
      copyFileSync(shot, fileURLToPath(new URL("../../docs/report.png", import.meta.url)));
    for (const login of ["alice", "bob", "mallory"])
      await expect(page.locator("table tbody tr", { hasText: login }).count()).resolves.toBe(1);
    await expect(page.locator("h3", { hasText: "Pending requests" }).count()).resolves.toBe(1);
    const expired = page.locator("tr.expired", { hasText: "mallory" });
    await expect(expired.innerText()).resolves.toContain("ended");
    await expect(expired.evaluate((row) => getComputedStyle(row).backgroundColor)).resolves.toBe(
      "rgb(253, 236, 236)",
    );
    const bar = page.locator(".timeline .row.expired .bar");
    await expect(bar.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe(
      "rgb(198, 40, 40)",
    );
    // the group that is markup shows as text, and made no element
    await expect(page.getByText(HOSTILE_GROUP).count()).resolves.toBe(1);
    await expect(page.locator("img, script").count()).resolves.toBe(0);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("at phone width fits the screen: nothing overflows sideways", async () => {
    const { page, requests, errors } = await openAt(390);
    await page.screenshot({ path: join(work, "phone.png") });
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(widths.viewport).toBe(390);
    expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
    // tables become one card per row, each cell labelled
    await expect(page.locator("thead").first().isVisible()).resolves.toBe(false);
    const firstCell = page.locator("tr.expired td").first();
    await expect(firstCell.innerText()).resolves.toBe("mallory");
    await expect(firstCell.evaluate((td) => getComputedStyle(td, "::before").content)).resolves.toBe(
      '"Admin: "',
    );
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("prints with its colours, a timeline never split across pages, on an A4 page width", async () => {
    const { page, errors } = await openAt(700);
    await page.emulateMedia({ media: "print" });
    const style = await page.locator(".timeline .row.expired .bar").evaluate((el) => {
      const timeline = getComputedStyle(el.closest(".timeline")!);
      return { colours: getComputedStyle(el).printColorAdjust, breakInside: timeline.breakInside };
    });
    expect(style).toEqual({ colours: "exact", breakInside: "avoid" });
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
    expect(errors).toEqual([]);
    await page.close();
  });
});
