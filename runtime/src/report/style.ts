/** The one stylesheet of the run report and the UI (inlined: both work offline). */
export const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
header.top { display: flex; gap: 1.5rem; align-items: baseline; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header.top .brand { font-weight: 700; }
header.top nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; }
header.top nav a[aria-current="page"] { font-weight: 700; text-decoration: underline; }
main { padding: 1rem 1.5rem 3rem; max-width: 1400px; }
h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; margin: .25rem 0 1rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; white-space: nowrap; }
table.facts th { width: 8rem; color: var(--muted); font-weight: 500; }
.muted { color: var(--muted); }
.warn { color: #9a6700; }
.error { color: #cf222e; white-space: pre-wrap; margin: 0; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: 12px; border: 1px solid var(--line); background: var(--soft); }
.status-succeeded, .status-passed, .status-ok, .status-cached, .status-quiet { background: #dafbe1; border-color: #aceebb; }
.status-failed, .status-drifted, .status-interrupted { background: #ffebe9; border-color: #ffcecb; }
.status-running { background: #fff8c5; border-color: #f5e0a0; }
.status-skipped { color: var(--muted); }
ul.drift-tests, ul.policies { list-style: none; margin: 0; padding: 0; }
ul.drift-tests li { white-space: nowrap; }
ul.drift-tests li.drifted { font-weight: 600; color: #cf222e; }
table.monitors td:first-child, table.monitors td:last-child, table.runs td { white-space: nowrap; }
table.runs td.params, table.runs td.steps { white-space: normal; }
.tag { display: inline-block; padding: 0 .4rem; border-radius: .3rem; font-size: 12px; background: #ddf4ff; }
.tag.best { background: #ffebe9; color: #a40e26; font-weight: 600; }
.columns { display: flex; flex-wrap: wrap; gap: 2rem; }
.figures { display: flex; flex-wrap: wrap; gap: 1.25rem; margin-top: .75rem; }
figure { margin: 0; padding: .5rem; border: 1px solid var(--line); border-radius: .4rem; background: #fff; }
figcaption { color: var(--muted); font-size: 12.5px; max-width: 520px; padding-top: .25rem; }
svg.chart { max-width: 100%; height: auto; display: block; }
td.diff, th.diff { background: #fff8c5; }
.toolbar { display: flex; gap: .75rem; align-items: center; margin: .5rem 0; }
.toolbar input[type=search] { padding: .35rem .5rem; min-width: 18rem; border: 1px solid var(--line); border-radius: .3rem; }
button { padding: .35rem .8rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--soft); cursor: pointer; }
button:disabled { cursor: default; opacity: .5; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable[aria-sort=ascending]::after { content: " ▲"; }
th.sortable[aria-sort=descending]::after { content: " ▼"; }
a { color: var(--accent); }
`;
