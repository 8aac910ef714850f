/* 积分贷名单: GET /api/lists/credit as a table, and the same query as an Excel download (format=xlsx). */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const { api, el, fmt, showError } = window.P;
  const form = document.getElementById("list-form");
  const status = document.getElementById("status");
  const link = document.getElementById("xlsx");
  try {
    const runs = await api("/api/runs");
    const years = [...new Set(runs.filter((r) => r.kind === "zone" && r.status === "published").map((r) => r.year))].sort().reverse();
    form.year.replaceChildren(...years.map((y) => el("option", { value: y, text: `${y} 年` })));
  } catch (e) { showError(status, e); return; }

  function query() {
    const q = new URLSearchParams({ year: form.year.value });
    for (const k of ["min_total", "top"]) if (form[k].value.trim()) q.set(k, form[k].value.trim());
    return q;
  }
  async function load() {
    const q = query();
    link.href = `/api/lists/credit?${q}&format=xlsx`;
    let d;
    try { d = await api(`/api/lists/credit?${q}`); } catch (e) { document.querySelector("#list tbody").replaceChildren(); showError(status, e); return; }
    status.textContent = `${d.year} 年 · ${d.rule} · 共 ${d.items.length} 家`;
    document.querySelector("#list tbody").replaceChildren(...d.items.map((i) => el("tr", { "data-uscc": i.uscc },
      el("td", { text: i.stage_name }), el("td", { class: "num", text: i.rank }),
      el("td", {}, el("a", { href: `/enterprises/${i.uscc}`, text: i.name })), el("td", { class: "hide-narrow", text: i.industry || "" }),
      el("td", { class: "num", "data-figure": "total", text: fmt(i.total) }))));
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  form.year.addEventListener("change", load);
  await load();
});
