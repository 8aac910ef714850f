/* 搜索: suggestions as one types (GET /api/search/suggest, debounced, keyboard navigation) and
   results with the reasons they matched (GET /api/search; points filters for officials only). */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const { api, el, fmt, pct, showError } = window.P;
  const form = document.getElementById("search-form");
  const box = document.getElementById("q");
  const list = document.getElementById("suggest");
  const hits = document.getElementById("hits");
  const status = document.getElementById("status");
  const DEBOUNCE_MS = 200;
  let timer = null, asked = 0, active = -1, items = [];

  function close() { list.hidden = true; box.setAttribute("aria-expanded", "false"); box.removeAttribute("aria-activedescendant"); active = -1; }
  function highlight(i) {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute("aria-selected", String(k === i)));
    if (i >= 0) box.setAttribute("aria-activedescendant", list.children[i].id);
  }
  function choose(item) { box.value = item.name; close(); search(); }

  async function suggest() {
    const text = box.value.trim();
    const mine = ++asked;
    if (!text) { close(); return; }
    let answer;
    try { answer = await api(`/api/search/suggest?q=${encodeURIComponent(text)}&limit=8`); } catch { return; }
    if (mine !== asked) return; // a later keystroke's answer wins
    items = answer.items;
    list.replaceChildren(...items.map((it, k) => el("li", { id: `suggest-${k}`, role: "option", "aria-selected": "false",
      "data-uscc": it.uscc, onmousedown: (e) => { e.preventDefault(); choose(it); } },
      it.name, it.matched !== it.name ? el("span", { class: "matched", text: it.matched }) : null)));
    list.hidden = !items.length; box.setAttribute("aria-expanded", String(!!items.length)); active = -1;
  }

  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, DEBOUNCE_MS); });
  box.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
  });
  box.addEventListener("blur", () => setTimeout(close, 0));

  async function search() {
    clearTimeout(timer); asked++; close();
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) params.set(k, String(v).trim());
    if (!params.get("q")) { status.textContent = "请输入要找的企业。"; hits.replaceChildren(); return; }
    params.set("limit", "20");
    status.textContent = "正在搜索……";
    try {
      const r = await api(`/api/search?${params}`);
      status.textContent = r.items.length ? `找到 ${r.items.length} 家企业${r.semantic ? "（含语义检索）" : ""}` : "没有找到相关企业。";
      hits.replaceChildren(...r.items.map((h) => el("li", { "data-uscc": h.uscc },
        el("div", {}, h.total !== null ? el("a", { href: `/enterprises/${h.uscc}`, text: h.name }) : el("strong", { text: h.name }),
          h.short_name ? el("span", { class: "muted", text: `（${h.short_name}）` }) : null),
        el("div", { class: "muted", text: [h.industry, h.stage_name, h.uscc].filter(Boolean).join(" · ") }),
        h.total !== null ? el("div", { "data-figure": "total", text: `总分 ${fmt(h.total)} 分 · 阶段内第 ${h.rank} 名 · 百分位 ${pct(h.percentile)}（${h.year} 年）` }) : null,
        el("div", {}, h.reasons.map((x) => el("span", { class: "tag", text: x }))))));
    } catch (e) { hits.replaceChildren(); showError(status, e); }
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); search(); });
  const q = new URLSearchParams(location.search).get("q");
  if (q) { box.value = q; search(); }
});
