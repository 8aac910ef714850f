/* 指标体系: every version (GET /api/systems), one with its categories and indicators in words
   (GET /api/systems/{version}), and what changed between two (GET /api/systems/{old}/diff/{new}). */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const { api, el, fmt, showError } = window.P;
  const pick = document.getElementById("version"), oldSel = document.getElementById("old"), newSel = document.getElementById("new");
  const sys = document.getElementById("system"), diff = document.getElementById("diff"), inds = document.getElementById("indicators");
  const FIELDS = { weights: "权重", rule: "计分规则", formula: "公式", category: "类别", source: "数据来源", direction: "方向",
    missing: "缺失数据", bonus: "加分项", unit: "单位", name: "名称", cap: "封顶" };
  let all;
  try { all = await api("/api/systems"); } catch (e) { showError(sys, e); return; }
  const zone = all.filter((s) => /^\d/.test(s.version)).sort((a, b) => a.year - b.year);
  const options = () => all.map((s) => el("option", { value: s.version, title: s.name, text: `${s.version}（${s.year} 年）` }));
  pick.replaceChildren(...options()); oldSel.replaceChildren(...options()); newSel.replaceChildren(...options());
  pick.value = zone.length ? zone[zone.length - 1].version : all[0].version;
  if (zone.length > 1) { oldSel.value = zone[zone.length - 2].version; newSel.value = zone[zone.length - 1].version; }

  async function showSystem() {
    let d;
    try { d = await api(`/api/systems/${encodeURIComponent(pick.value)}`); } catch (e) { showError(sys, e); return; }
    sys.replaceChildren(
      el("p", { text: d.description }),
      el("p", { class: "muted", text: `${d.year} 年起适用 · ${d.categories.length} 个类别 · ${d.indicators.length} 项指标` }),
      el("h3", { text: "成长阶段划分（依次判断，先满足者为准）" }), el("ul", {}, d.stage_words.map((w) => el("li", { text: w }))),
      el("h3", { text: "类别" }),
      el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "类别" }), el("th", { class: "num", text: "满分" }), el("th", { class: "num", text: "指标数" }))),
        el("tbody", {}, d.categories.map((c) => el("tr", {}, el("td", { text: c.name }), el("td", { class: "num", text: fmt(c.max_points, 0) }),
          el("td", { class: "num", text: d.indicators.filter((i) => i.category === c.code).length })))))));
    inds.replaceChildren(...d.categories.map((c) => el("details", { class: "category", open: c === d.categories[0] },
      el("summary", {}, el("strong", { text: `${c.name}（满分 ${fmt(c.max_points, 0)} 分）` })),
      el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "指标" }), el("th", { text: "公式与计分" }), el("th", { class: "hide-narrow", text: "权重" }))),
        el("tbody", {}, d.indicators.filter((i) => i.category === c.code).map((i) => el("tr", { "data-indicator": i.code },
          el("td", {}, el("div", { text: i.name }), el("div", { class: "explain", text: `${i.code} · 来源：${i.words.source}` })),
          el("td", {}, el("div", { text: `公式：${i.words.formula}${i.unit ? `（单位 ${i.unit}）` : ""}` }), el("div", { class: "explain", text: `计分：${i.words.rule}` })),
          el("td", { class: "hide-narrow explain", text: i.words.weights })))))))));
  }

  async function showDiff() {
    if (oldSel.value === newSel.value) { diff.replaceChildren(el("p", { class: "muted", text: "请选择两个不同的版本。" })); return; }
    let d;
    try { d = await api(`/api/systems/${encodeURIComponent(oldSel.value)}/diff/${encodeURIComponent(newSel.value)}`); } catch (e) { showError(diff, e); return; }
    const group = (title, items, cls) => items.length ? el("div", {}, el("h3", { text: `${title}（${items.length} 项）` }),
      el("ul", { class: cls }, items.map((i) => el("li", { text: `${i.code} ${i.name}` })))) : null;
    diff.replaceChildren(
      group("新增指标", d.added, "diff-added"), group("删除指标", d.removed, "diff-removed"),
      d.changed.length ? el("div", {}, el("h3", { text: `调整的指标（${d.changed.length} 项）` }),
        el("ul", { class: "diff-changed" }, d.changed.map((c) => el("li", {}, el("strong", { text: `${c.code} ${c.name}` }),
          el("ul", {}, Object.entries(c.fields).map(([field, [was, now]]) => el("li", { class: "explain", text: `${FIELDS[field] || field}：${was} → ${now}` }))))))) : null,
      el("details", {}, el("summary", { text: "全部差异（文字）" }), el("ul", {}, d.lines.map((l) => el("li", { text: l })))),
    );
  }
  pick.addEventListener("change", showSystem);
  oldSel.addEventListener("change", showDiff); newSel.addEventListener("change", showDiff);
  await Promise.all([showSystem(), showDiff()]);
});
