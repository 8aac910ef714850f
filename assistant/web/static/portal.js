/* The portal's shared script: API calls as the logged-in caller, formatting, charts, the menu and
   the assistant (floating panel and page). No framework; every page script uses window.P. */
"use strict";
(function () {
  const CSRF_COOKIE = "innopoints_csrf";
  const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

  function cookie(name) {
    const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
  }

  class ApiError extends Error {
    constructor(status, body) {
      const err = (body && body.error) || {};
      super(err.message || `请求失败（${status}）`);
      this.status = status; this.code = err.code; this.details = err.details;
    }
  }

  /** JSON from the API as this page's caller; a change carries the CSRF token. */
  async function api(path, options = {}) {
    const method = (options.method || "GET").toUpperCase();
    const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    if (UNSAFE.has(method)) headers["X-CSRF-Token"] = cookie(CSRF_COOKIE);
    let body = options.body;
    if (body && !(body instanceof FormData) && typeof body !== "string") {
      body = JSON.stringify(body); headers["Content-Type"] = "application/json";
    }
    const r = await fetch(path, { method, headers, body, credentials: "same-origin" });
    if (options.raw && r.ok) return r;  // the caller reads the body (a stream); errors as below
    const data = r.headers.get("content-type")?.includes("json") ? await r.json() : null;
    if (r.status === 401 && document.body.dataset.role !== "public") {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    }
    if (!r.ok) throw new ApiError(r.status, data);
    return data;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
    return node;
  }

  const fmt = (x, digits = 2) => (x === null || x === undefined ? "—" : Number(x).toFixed(digits));
  const pct = (x) => (x === null || x === undefined ? "—" : `${Number(x).toFixed(2)} %`);

  function showError(target, error) {
    target.replaceChildren(el("p", { class: "error", role: "alert", text: error.message || String(error) }));
  }

  /* Charts: drawn with ECharts; each records when its first frame is finished (tests, benchmarks). */
  window.__charts = { drawn: 0 };
  const charts = [];
  function chart(node, option) {
    let c = window.echarts.getInstanceByDom(node);
    if (!c) {
      c = window.echarts.init(node, null, { renderer: "canvas" });
      charts.push(c);
      c.on("finished", () => {
        if (!node.dataset.drawn) { node.dataset.drawn = "1"; window.__charts.drawn += 1; window.__charts.at = performance.now(); }
      });
    }
    // No entry animation: a chart is read at once (and "drawn" means drawn, not a second later).
    c.setOption(Object.assign({ animation: false }, option), true);
    return c;
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  const PALETTE = ["#1565c0", "#f57c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f"];

  /* A streamed reply: POST /v1/chat/completions with stream (server-sent events, one
     `data: {chunk}` line per event, then `data: [DONE]`). Each piece of text goes to onDelta as it
     arrives; resolves to the stop chunk's `innopoints`, the structured reply /api/chat would give. */
  async function chatStream(text, sessionId, onDelta) {
    const headers = { Accept: "text/event-stream" };
    if (sessionId) headers["X-Session-Id"] = sessionId;
    const r = await api("/v1/chat/completions", { method: "POST", headers, raw: true,
      body: { model: "innopoints", messages: [{ role: "user", content: text }], stream: true } });
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", data = [], answer = null;
    const dispatch = () => {  // a blank line ends an event: its data lines joined
      const payload = data.join("\n"); data = [];
      if (!payload || payload === "[DONE]") return;
      const chunk = JSON.parse(payload), choice = chunk.choices?.[0];
      if (choice?.delta?.content) onDelta(choice.delta.content);
      if (choice?.finish_reason === "stop") answer = chunk.innopoints;
    };
    for (;;) {
      const { done, value } = await reader.read();
      buffer += decoder.decode(value, { stream: !done });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = done ? "" : lines.pop();  // an unfinished line waits for the next read
      for (const line of lines) {
        if (line === "") dispatch();
        else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        // other fields (event:, id:, retry:) and comments (": ping") are not used
      }
      if (done) { dispatch(); break; }
    }
    if (!answer) throw new Error("the stream ended before its stop chunk");
    return answer;
  }

  /* The assistant: one conversation per widget (the page and the floating panel). */
  function chatWidget(root) {
    let sessionId = null;
    const log = el("div", { class: "log", "aria-live": "polite" });
    const input = el("input", { name: "message", maxlength: "1000", placeholder: "用中文提问，如：积分怎么算？", autocomplete: "off" });
    const send = el("button", { type: "submit", class: "primary", text: "发送" });
    const form = el("form", {}, input, send);
    const suggestions = el("div", { class: "suggestions" });
    root.replaceChildren(log, suggestions, form);

    function bubble(cls, text) { const b = el("div", { class: `msg ${cls}`, text }); log.append(b); log.scrollTop = log.scrollHeight; return b; }

    function showSuggestions(items) {
      suggestions.replaceChildren(...items.map((s) => el("button", { type: "button", class: "small", text: s, onclick: () => ask(s) })));
    }

    async function ask(text) {
      text = text.trim();
      if (!text) return;
      bubble("me", text);
      input.value = ""; send.disabled = true;
      const pending = bubble("bot", "……");
      let streamed = "";
      try {
        const a = await chatStream(text, sessionId, (piece) => {
          streamed += piece; pending.textContent = streamed; log.scrollTop = log.scrollHeight;
        });
        sessionId = a.session_id;
        pending.textContent = a.reply;  // the whole reply (the same text the pieces made)
        if (a.facts && a.facts.length) {
          const list = el("ol", { class: "facts", hidden: true }, a.facts.map((f) =>
            el("li", { text: `${f.label}：${f.value === null ? "缺失" : f.value}${f.unit || ""}${f.year ? `（${f.year} 年）` : ""}` })));
          const toggle = el("button", { type: "button", class: "small", text: "查看依据", onclick: () => {
            list.hidden = !list.hidden; toggle.textContent = list.hidden ? "查看依据" : "收起依据"; } });
          pending.append(el("div", {}, toggle), list);
        }
        showSuggestions(a.suggestions || []);
      } catch (e) {
        // The API's own message (e.g. 429's); a network failure or a cut stream says so in Chinese.
        pending.textContent = e instanceof ApiError ? e.message : "网络连接中断，未收到完整回答，请重试";
        pending.classList.add("error");
      } finally { send.disabled = false; input.focus(); }
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); ask(input.value); });
    return { ask, showSuggestions };
  }

  document.addEventListener("DOMContentLoaded", () => {
    const menu = document.querySelector(".menu");
    const nav = document.getElementById("nav");
    menu?.addEventListener("click", () => { const open = nav.classList.toggle("open"); menu.setAttribute("aria-expanded", String(open)); });
    const toggle = document.getElementById("chat-toggle");
    const panel = document.getElementById("chat-panel");
    if (toggle && panel) {
      let widget = null;
      const flip = (open) => {
        panel.hidden = !open; toggle.setAttribute("aria-expanded", String(open));
        if (open && !widget) { widget = chatWidget(panel.querySelector("[data-chat]")); widget.showSuggestions(["积分怎么算？", "有哪些指标？"]); }
        if (open) panel.querySelector("input")?.focus();
      };
      toggle.addEventListener("click", () => flip(panel.hidden));
      panel.querySelector(".chat-close").addEventListener("click", () => flip(false));
    }
  });

  window.P = { api, el, fmt, pct, chart, showError, chatWidget, PALETTE, ApiError };
})();
