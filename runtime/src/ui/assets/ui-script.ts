/**
 * The one script of the UI's pages, served as `/assets/ui.js`: sorting and filtering the runs
 * table and the selection of runs to compare. Pages work without it (the compare form is a plain
 * GET form). Kept as a string in the sources so it ships inside `dist/` with no packaging step.
 */
export const UI_SCRIPT = `"use strict";

function cellValue(row, index, numeric) {
  const cell = row.cells[index];
  const text = cell?.dataset.sort ?? cell?.textContent ?? "";
  if (!numeric) return text;
  const value = Number.parseFloat(text);
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
}

function sortTable(table, header) {
  const index = [...header.parentElement.children].indexOf(header);
  const numeric = header.dataset.type === "number";
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const rows = [...body.rows];
  rows.sort((a, b) => {
    const x = cellValue(a, index, numeric);
    const y = cellValue(b, index, numeric);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  });
  for (const row of rows) body.appendChild(row);
}

function setUpRuns() {
  const table = document.getElementById("runs");
  if (!table) return;
  for (const header of table.querySelectorAll("th.sortable")) {
    header.tabIndex = 0;
    header.addEventListener("click", () => sortTable(table, header));
    header.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sortTable(table, header);
      }
    });
  }
  const filter = document.getElementById("filter");
  const count = document.getElementById("count");
  filter?.addEventListener("input", () => {
    const words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const row of table.tBodies[0].rows) {
      const text = row.textContent.toLowerCase();
      const visible = words.every((w) => text.includes(w));
      row.hidden = !visible;
      if (visible) shown++;
    }
    if (count) count.textContent = \`\${shown} of \${table.tBodies[0].rows.length} runs\`;
  });
  const compare = document.getElementById("compare");
  const update = () => {
    const selected = table.querySelectorAll("input[name=run]:checked").length;
    if (compare) {
      compare.disabled = selected < 2;
      compare.textContent = selected < 2 ? "Compare selected" : \`Compare \${selected} runs\`;
    }
  };
  table.addEventListener("change", update);
  update();
}

document.addEventListener("DOMContentLoaded", setUpRuns);
`;
