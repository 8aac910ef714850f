/* 企业画像: one enterprise's portrait from GET /api/enterprises/{uscc}/portrait (the API answers it
   only to the enterprise itself and officials), with a print view: the A4 企业科技创新积分报告. */
"use strict";
// Asked before ECharts (the next deferred script) is parsed: the answer travels meanwhile.
const portraitFirst = window.P.api(`/api/enterprises/${encodeURIComponent(document.getElementById("portrait").dataset.uscc)}/portrait`);
portraitFirst.catch(() => {}); // reported where awaited
document.addEventListener("DOMContentLoaded", async () => {
  const { api, el, fmt, pct, chart, showError, PALETTE } = window.P;
  const root = document.getElementById("portrait");
  const uscc = root.dataset.uscc;
  const status = document.getElementById("status");
  const select = document.getElementById("year");
  const SOURCES = JSON.parse(document.getElementById("sources").textContent);
  document.getElementById("print").addEventListener("click", () => window.print());

  function figure(key, value, label) {
    return el("div", { class: "figure" }, el("div", { class: "value", "data-figure": key, text: value }), el("div", { class: "label", text: label }));
  }

  async function draw(p) {
    document.title = `${p.name} · 企业画像`;
    document.getElementById("name").textContent = p.name;
    document.getElementById("meta").textContent =
      `统一社会信用代码 ${p.uscc} · ${p.industry || "行业未知"} · ${p.year} 年 · 指标体系 ${p.system} · ${p.stage_name}`;
    document.getElementById("stage-reason").textContent = `阶段划分：${p.stage_reason}`;
    document.getElementById("figures").replaceChildren(
      figure("total", fmt(p.total), `总分（满分 ${fmt(p.max_total, 0)} 分）`),
      figure("rank", `${p.rank} / ${p.stage_size}`, `${p.stage_name}内排名`),
      figure("percentile", pct(p.percentile), "阶段内百分位（同阶段总分低于本企业的企业占比）"),
    );
    const cats = p.categories;
    const hasStage = cats.every((c) => c.stage_mean !== null);
    chart(document.getElementById("chart-radar"), {
      color: PALETTE, tooltip: {}, legend: { bottom: 0 },
      radar: { radius: "60%", indicator: cats.map((c) => ({ name: c.name.replace("科技创新", ""), max: c.max_points })) },
      series: [{ type: "radar", data: [
        { name: "本企业", value: cats.map((c) => c.points), areaStyle: { opacity: 0.15 } },
        ...(hasStage ? [{ name: "同阶段平均", value: cats.map((c) => c.stage_mean) },
                        { name: "同阶段上四分位", value: cats.map((c) => c.stage_p75), lineStyle: { type: "dashed" } }] : []),
      ] }],
    });
    chart(document.getElementById("chart-trend"), {
      color: PALETTE, tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 40, right: 40, top: 36, bottom: 60 },
      xAxis: { type: "category", data: p.trend.map((t) => `${t.year}`) },
      yAxis: [{ type: "value", name: "总分", scale: true }, { type: "value", name: "百分位", min: 0, max: 100 }],
      series: [
        { type: "line", name: "总分", data: p.trend.map((t) => t.total), label: { show: true, formatter: (x) => fmt(x.value) } },
        { type: "line", name: "阶段内百分位", yAxisIndex: 1, data: p.trend.map((t) => t.percentile), lineStyle: { type: "dashed" } },
      ],
    });
    // The tables (121 rows) after the charts' first frame: the figures and charts are seen first.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const verdicts = Object.entries(p.verdicts || {});
    const verdictItems = verdicts.map(([code, v]) =>
      el("li", {}, el("strong", { class: v.passed ? "ok" : "error", text: `${code}：${v.passed ? "通过" : "未通过"}` }), `（${v.route}）`));
    document.getElementById("verdicts-card").hidden = !verdicts.length;
    document.getElementById("verdicts").replaceChildren(...verdictItems);
    // 官方评价 (科技型中小企业评价, 高新技术企业认定) computed on the firm's own data of this year, from
    // GET /api/enterprises/{uscc}/evaluations; shown under the run's own verdicts when there are any.
    api(`/api/enterprises/${encodeURIComponent(uscc)}/evaluations?year=${p.year}`).then((ev) => {
      const items = ev.evaluations.map((e) => el("li", { "data-evaluation": e.version },
        el("strong", { text: `${e.name}：` }),
        ...e.verdicts.map((v) => el("span", { class: v.passed ? "ok" : "error", text: `${v.name}${v.passed ? "通过" : "未通过"}（${v.route}）` })),
        el("span", { class: "muted", text: `；测算得分 ${fmt(e.total)} / ${fmt(e.max_total, 0)}` +
          (e.missing.length ? `，园区缺少 ${e.missing.length} 项所需数据（${e.missing.slice(0, 3).map((m) => m.name).join("、")}${e.missing.length > 3 ? "等" : ""}）` : "") })));
      if (!items.length) return;
      items.push(el("li", { class: "muted", text: "按园区已有数据测算，仅供参考，以主管部门的审核结果为准。" }));
      document.getElementById("verdicts").replaceChildren(...verdictItems, ...items);
      document.getElementById("verdicts-card").hidden = false;
    }).catch((e) => showError(status, e));
    const advice = document.getElementById("advice");
    advice.replaceChildren(...p.advice.map((a) => el("li", {}, a.text, " ", el("span", { class: "tag", text: `+${fmt(a.gain)} 分` }))));
    if (!p.advice.length) advice.replaceChildren(el("li", { class: "muted", text: "暂无建议。" }));

    const byCat = document.getElementById("indicators");
    byCat.replaceChildren(...cats.map((c) => {
      const rows = p.indicators.filter((i) => i.category === c.code).map((i) => el("tr", { class: i.missing ? "is-missing" : "", "data-indicator": i.code },
        el("td", {}, el("div", { text: `${i.name}` }), el("div", { class: "explain", text: i.explanation }),
          i.missing ? el("div", { class: "missing", text: `数据缺失：由${SOURCES[i.source] || i.source}数据提供；可通过企业自报表补充（联系园区工作人员）` }) : null),
        el("td", { class: "num", text: i.missing ? "缺失" : i.value_text }),
        el("td", { class: "num hide-narrow", text: i.unit }),
        el("td", { class: "num", text: fmt(i.points) }),
        el("td", { class: "num", text: fmt(i.weight) })));
      return el("div", { class: "category" },
        el("h3", { text: `${c.name}：${fmt(c.points)} / ${fmt(c.max_points, 0)} 分` }),
        el("div", { class: "table-wrap" }, el("table", {},
          el("thead", {}, el("tr", {}, el("th", { text: "指标与计算" }), el("th", { class: "num", text: "数值" }),
            el("th", { class: "num hide-narrow", text: "单位" }), el("th", { class: "num", text: "得分" }), el("th", { class: "num", text: "权重" }))),
          el("tbody", {}, rows))));
    }));
    document.getElementById("printed").textContent = `打印时间：${new Date().toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}（北京时间）· 数据来源：园区积分系统评分批次 #${p.run_id}`;
  }

  async function load(year) {
    status.textContent = "";
    try {
      const p = year ? await api(`/api/enterprises/${encodeURIComponent(uscc)}/portrait?year=${year}`) : await portraitFirst;
      if (!select.options.length) {
        select.replaceChildren(...p.trend.map((t) => el("option", { value: t.year, text: `${t.year} 年` })));
      }
      select.value = p.year;
      await draw(p);
    } catch (e) { showError(status, e); }
  }
  select.addEventListener("change", () => load(select.value));
  await load(null);
});
