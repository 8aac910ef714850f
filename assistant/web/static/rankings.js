/* 排行: GET /api/rankings per stage, by total or one category, paged; the page sortable by column. */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const { api, el, fmt, pct, showError } = window.P;
  const form = document.getElementById("ranking-form");
  const body = document.querySelector("#ranking tbody");
  const status = document.getElementById("status");
  const info = document.getElementById("page-info");
  let page = 1, last = null, sortKey = null, asc = true;
  try {
    const runs = await api("/api/runs");
    const years = [...new Set(runs.filter((r) => r.kind === "zone" && r.status === "published").map((r) => r.year))].sort().reverse();
    form.year.replaceChildren(...years.map((y) => el("option", { value: y, text: `${y} 年` })));
  } catch (e) { showError(status, e); return; }

  async function categories() {
    const d = await api(`/api/stats/distribution?year=${form.year.value}`);
    const keep = form.category.value;
    form.category.replaceChildren(el("option", { value: "", text: "总分" }), ...d.categories.map((c) => el("option", { value: c.code, text: c.name })));
    if ([...form.category.options].some((o) => o.value === keep)) form.category.value = keep;
  }

  function rows() {
    const items = [...last.items];
    if (sortKey) items.sort((a, b) => (a[sortKey] > b[sortKey] ? 1 : a[sortKey] < b[sortKey] ? -1 : 0) * (asc ? 1 : -1));
    body.replaceChildren(...items.map((i) => el("tr", { "data-uscc": i.uscc },
      el("td", { class: "num", text: i.rank }), el("td", {}, el("a", { href: `/enterprises/${i.uscc}`, text: i.name })),
      el("td", { class: "hide-narrow", text: i.industry || "" }), el("td", { class: "num", "data-figure": "points", text: fmt(i.points) }),
      el("td", { class: "num hide-narrow", text: fmt(i.total) }), el("td", { class: "num hide-narrow", text: pct(i.percentile) }))));
  }

  async function load() {
    const q = new URLSearchParams({ year: form.year.value, stage: form.stage.value, page, size: form.size.value });
    if (form.category.value) q.set("category", form.category.value);
    try { last = await api(`/api/rankings?${q}`); } catch (e) { showError(status, e); return; }
    status.textContent = "";
    const pages = Math.max(1, Math.ceil(last.total / last.size));
    info.textContent = `第 ${last.page} / ${pages} 页，共 ${last.total} 家`;
    document.getElementById("prev").disabled = last.page <= 1;
    document.getElementById("next").disabled = last.page >= pages;
    rows();
  }
  document.querySelectorAll("#ranking th.sortable").forEach((th) => th.addEventListener("click", () => {
    asc = sortKey === th.dataset.key ? !asc : true; sortKey = th.dataset.key;
    document.querySelectorAll("#ranking th").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    if (last) rows();
  }));
  form.addEventListener("change", async (e) => { page = 1; sortKey = null; if (e.target.name === "year") await categories(); load(); });
  document.getElementById("prev").addEventListener("click", () => { page -= 1; load(); });
  document.getElementById("next").addEventListener("click", () => { page += 1; load(); });
  await categories();
  await load();
});
