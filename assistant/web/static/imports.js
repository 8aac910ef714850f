/* 数据导入: upload a source file (POST /api/imports) and see its report — every bad cell when the
   file is refused, the batch summary when imported —, the batches (GET /api/imports), revert one. */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const { api, el, showError } = window.P;
  const form = document.getElementById("upload");
  const report = document.getElementById("report");
  const STATUS = { imported: "已导入", unchanged: "未变化（同一文件已导入）", dry_run: "试导入（未写入）", rejected: "未导入", reverted: "已撤销", active: "有效" };
  // The API's times are UTC, some without an offset: read as UTC, shown in Beijing time.
  const time = (t) => (t ? new Date(/Z|[+-]\d\d:?\d\d$/.test(t) ? t : t + "Z").toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) + "（北京时间）" : "");

  function summary(r) {
    const facts = [["状态", STATUS[r.status] || r.status], ["批次", r.batch_id ?? "—"], ["读取行数", r.rows_read], ["导入行数", r.rows_imported],
      ["写入数值", r.values_written], ["新建企业", r.enterprises_created], ["更新企业", r.enterprises_updated], ["来源冲突", r.conflicts]];
    return el("div", { class: "import-summary" }, el("h3", { class: "ok", text: `文件“${r.file}”${STATUS[r.status] || r.status}` }),
      el("ul", {}, facts.map(([k, v]) => el("li", { text: `${k}：${v}` }))),
      r.warnings.length ? el("ul", { class: "missing" }, r.warnings.map((w) => el("li", { text: w }))) : null);
  }

  function errors(message, r) {
    return el("div", { class: "import-errors" }, el("p", { class: "error", role: "alert", text: message }),
      el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {}, ["工作表", "行", "列", "值", "原因"].map((h) => el("th", { text: h })))),
        el("tbody", {}, r.errors.map((c) => el("tr", { class: "cell-error" }, el("td", { text: c.sheet || "" }), el("td", { class: "num", text: c.row ?? "" }),
          el("td", { text: c.column_letter ? `${c.column}（${c.column_letter} 列）` : c.column }), el("td", { text: c.value }), el("td", { text: c.reason })))))),
      r.errors_total > r.errors.length ? el("p", { class: "muted", text: `只列出前 ${r.errors.length} 处，共 ${r.errors_total} 处错误。` }) : null);
  }

  async function batches() {
    const tbody = document.querySelector("#batches tbody");
    let list;
    try { list = await api("/api/imports"); } catch (e) { showError(document.getElementById("batches-status"), e); return; }
    tbody.replaceChildren(...list.map((b) => el("tr", { "data-batch": b.id },
      el("td", { class: "num", text: b.id }), el("td", { text: b.source_name }), el("td", { text: b.file }), el("td", { class: "num", text: b.year ?? "" }),
      el("td", { class: "batch-status", text: STATUS[b.status] || b.status }), el("td", { class: "num hide-narrow", text: b.values }),
      el("td", { class: "hide-narrow", text: time(b.created_at) }),
      el("td", {}, b.status === "reverted" ? null : el("button", { type: "button", class: "small", text: "撤销", onclick: () => revert(b) })))));
    document.getElementById("batches-status").textContent = list.length ? "" : "还没有导入批次。";
  }

  async function revert(b) {
    if (!window.confirm(`撤销批次 ${b.id}（${b.file}）？其数值不再参与评分（保留为历史）。`)) return;
    try { await api(`/api/imports/${b.id}/revert`, { method: "POST" }); } catch (e) { showError(report, e); return; }
    report.replaceChildren(el("p", { class: "ok", text: `批次 ${b.id} 已撤销。` }));
    await batches();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    if (!data.get("year")) data.delete("year");
    if (!data.get("dry_run")) data.delete("dry_run");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    report.replaceChildren(el("p", { class: "muted", text: "正在检查与导入……" }));
    try {
      report.replaceChildren(summary(await api("/api/imports", { method: "POST", body: data })));
      await batches();
    } catch (err) {
      if (err.code === "import_rejected" && err.details) report.replaceChildren(errors(err.message, err.details));
      else showError(report, err);
    } finally { button.disabled = false; }
  });
  // 数据缺口: GET /api/gaps per scored year; each firm's self-report forms are GET /api/gaps/form links.
  const gapYear = document.getElementById("gap-year");
  const gapStatus = document.getElementById("gap-status");
  let gapPage = 1;
  async function gaps() {
    gapStatus.textContent = "正在查找数据缺口……";
    document.getElementById("gap-find").disabled = true;
    let d;
    try { d = await api(`/api/gaps?year=${gapYear.value}&page=${gapPage}&size=20`); }
    catch (e) { showError(gapStatus, e); return; }
    finally { document.getElementById("gap-find").disabled = false; }
    gapStatus.textContent = `${d.year} 年（指标体系 ${d.system}，数据年度 ${d.years.join("、")}）：${d.enterprises_checked} 家企业中 ${d.enterprises_with_gaps} 家缺少数据，共 ${d.gaps} 项`;
    document.querySelector("#gap-summary tbody").replaceChildren(...d.summary.map((r) => el("tr", {},
      el("td", { text: r.name }), el("td", { class: "num", text: r.year }), el("td", { class: "hide-narrow", text: r.unit || "" }),
      el("td", { text: r.source_name }), el("td", { class: "num", text: r.missing }))));
    document.querySelector("#gap-firms tbody").replaceChildren(...d.enterprises.map((e) => el("tr", { "data-uscc": e.uscc },
      el("td", {}, el("div", { text: e.name }), el("div", { class: "explain", text: e.uscc })), el("td", { class: "num", text: e.gaps }),
      el("td", {}, e.form_years.length ? e.form_years.map((y) => el("a", { class: "button small gap-form", download: "",
        href: `/api/gaps/form?year=${d.year}&uscc=${e.uscc}&data_year=${y}`, text: `${y} 年` })) : el("span", { class: "muted", text: "无需企业填报" })))));
    const pages = Math.max(1, Math.ceil(d.enterprises_with_gaps / d.size));
    document.getElementById("gap-page").textContent = `第 ${gapPage} / ${pages} 页`;
    document.getElementById("gap-prev").disabled = gapPage <= 1;
    document.getElementById("gap-next").disabled = gapPage >= pages;
  }
  document.getElementById("gap-prev").addEventListener("click", () => { gapPage -= 1; gaps(); });
  document.getElementById("gap-next").addEventListener("click", () => { gapPage += 1; gaps(); });
  document.getElementById("gap-find").addEventListener("click", () => { gapPage = 1; gaps(); });
  try {
    const runs = await api("/api/runs");
    const years = [...new Set(runs.filter((r) => r.kind === "zone" && r.status === "published").map((r) => r.year))].sort().reverse();
    gapYear.replaceChildren(...years.map((y) => el("option", { value: y, text: `${y} 年` })));
  } catch (e) { showError(gapStatus, e); }
  await batches();
});
