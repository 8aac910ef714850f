/* 概况: the year's distribution (stage split, histogram, category means per stage) and the mean
   total over the years, all from GET /api/stats/distribution. */
"use strict";
// Asked before ECharts (the next deferred script) is parsed: the answers travel meanwhile.
const overviewRuns = window.P.api("/api/runs");
const overviewLatest = window.P.api("/api/stats/distribution");
overviewRuns.catch(() => {}); overviewLatest.catch(() => {}); // reported where awaited
document.addEventListener("DOMContentLoaded", async () => {
  const { api, el, fmt, chart, showError, PALETTE } = window.P;
  const select = document.getElementById("year");
  const status = document.getElementById("status");
  const STAGE_NAMES = { startup: "初创期", growth: "成长期", development: "发展期", mature: "成熟期" };
  let years;
  try {
    const runs = await overviewRuns;
    years = [...new Set(runs.filter((r) => r.kind === "zone" && r.status === "published").map((r) => r.year))].sort();
  } catch (e) { showError(status, e); return; }
  if (!years.length) { status.textContent = "还没有发布的评分。"; return; }
  select.replaceChildren(...years.map((y) => el("option", { value: y, text: `${y} 年` })));
  select.value = years[years.length - 1];

  // One request per year, shared by the year's charts and the trend over the years.
  const asked = new Map();
  try { const latest = await overviewLatest; asked.set(String(latest.year), Promise.resolve(latest)); } catch { /* asked again below */ }
  const distribution = (year) => {
    if (!asked.has(String(year))) asked.set(String(year), api(`/api/stats/distribution?year=${year}`));
    return asked.get(String(year));
  };

  async function drawYear(year) {
    status.textContent = "";
    let d;
    try { d = await distribution(year); } catch (e) { showError(status, e); return; }
    document.getElementById("summary").replaceChildren(
      el("div", { class: "figure" }, el("div", { class: "value", "data-figure": "enterprises", text: d.enterprises }), el("div", { class: "label", text: "参评企业（家）" })),
      el("div", { class: "figure" }, el("div", { class: "value", "data-figure": "mean", text: fmt(d.totals.mean) }), el("div", { class: "label", text: "平均总分（分）" })),
      el("div", { class: "figure" }, el("div", { class: "value", text: d.system }), el("div", { class: "label", text: "指标体系版本" })),
    );
    const shown = d.stages.filter((s) => s.count !== null);
    chart(document.getElementById("chart-stages"), {
      color: PALETTE, tooltip: { trigger: "item", formatter: (p) => `${p.name}：${p.value} 家（${p.data.share} %）` },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["30%", "55%"], label: { formatter: "{b}\n{d}%" },
        data: shown.map((s) => ({ name: s.name, value: s.count, share: s.share })) }],
    });
    chart(document.getElementById("chart-histogram"), {
      color: PALETTE, tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 36, bottom: 50 },
      xAxis: { type: "category", name: "总分", nameLocation: "middle", nameGap: 32,
        data: d.histogram.map((b) => `${fmt(b.lo, 0)}–${fmt(b.hi, 0)}`) },
      yAxis: { type: "value", name: "企业数" },
      series: [{ type: "bar", name: "企业数", data: d.histogram.map((b) => b.count) }],
    });
    const stageCodes = Object.keys(STAGE_NAMES);
    chart(document.getElementById("chart-categories"), {
      color: PALETTE, tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 36, bottom: 80 },
      xAxis: { type: "category", data: d.categories.map((c) => c.name.replace("科技创新", "")), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: "平均分" },
      series: stageCodes.map((code) => ({ type: "bar", name: STAGE_NAMES[code], data: d.categories.map((c) => c.by_stage[code]) })),
    });
  }

  async function drawTrend() {
    const all = await Promise.all(years.map((y) => distribution(y)));
    chart(document.getElementById("chart-trend"), {
      color: PALETTE, tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 36, bottom: 80 },
      xAxis: { type: "category", data: all.map((d) => `${d.year}`) },
      yAxis: { type: "value", name: "平均总分", scale: true },
      series: [
        { type: "line", name: "全部企业", data: all.map((d) => d.totals.mean), lineStyle: { width: 3 } },
        ...Object.entries(STAGE_NAMES).map(([code, name]) => ({ type: "line", name, data: all.map((d) => d.totals.by_stage[code]) })),
      ],
    });
  }

  select.addEventListener("change", () => drawYear(select.value));
  await Promise.all([drawYear(select.value), drawTrend().catch((e) => showError(status, e))]);
});
