/** The frame of every UI page: the navigation, the title, the client script. */
import { html, raw, type Markup } from "../../report/html.js";
import { page } from "../../report/run-report.js";

export type Section = "runs" | "compare" | "models" | "lineage" | "monitors";

const NAV: Array<[Section, string, string]> = [
  ["runs", "/", "Runs"],
  ["compare", "/compare", "Compare"],
  ["models", "/models", "Models"],
  ["lineage", "/lineage", "Lineage"],
  ["monitors", "/monitors", "Monitors"],
];

export function uiPage(title: string, section: Section, project: string, body: Markup): string {
  const nav = html`<header class="top"><span class="brand">mlops</span><nav>${NAV.map(
    ([id, href, label]) => html`<a href="${href}"${raw(id === section ? ' aria-current="page"' : "")}>${label}</a>`,
  )}</nav><span class="muted">${project}</span></header>`;
  return page(
    `${title} — mlops ui`,
    html`${nav}<main data-page="${section}">${body}</main>`,
    // no favicon request (it would 404): an empty icon inline
    raw('<link rel="icon" href="data:,"><script src="/assets/ui.js" defer></script>'),
  );
}
