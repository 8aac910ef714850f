/* 账号 (admins): users (GET/POST /api/users, disable/enable), their API keys (list, generate,
   revoke) and the audit trail with filters (GET /api/audit). */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const { api, el, showError } = window.P;
  const ROLES = { admin: "管理员", official: "园区工作人员", enterprise: "企业用户" };
  const time = (t) => new Date(/Z|[+-]\d\d:?\d\d$/.test(t) ? t : t + "Z").toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
  const me = document.body.dataset.username;
  const usersStatus = document.getElementById("users-status");
  const keys = document.getElementById("keys");

  async function users() {
    let list;
    try { list = await api("/api/users"); } catch (e) { showError(usersStatus, e); return; }
    document.querySelector("#users tbody").replaceChildren(...list.map((u) => el("tr", { "data-user": u.username },
      el("td", {}, el("div", { text: u.username }), u.display_name ? el("div", { class: "explain", text: u.display_name }) : null),
      el("td", { text: ROLES[u.role] || u.role }), el("td", { class: "hide-narrow", text: u.usccs.join("、") }),
      el("td", { class: "user-status", text: u.disabled ? "已停用" : "启用中" }),
      el("td", {}, el("div", { class: "row" },
        u.username === me ? null : el("button", { type: "button", class: "small", text: u.disabled ? "启用" : "停用", onclick: () => toggle(u) }),
        el("button", { type: "button", class: "small", text: "API 密钥", onclick: () => showKeys(u.username) }))))));
  }

  async function toggle(u) {
    try { await api(`/api/users/${encodeURIComponent(u.username)}/${u.disabled ? "enable" : "disable"}`, { method: "POST" }); }
    catch (e) { showError(usersStatus, e); return; }
    usersStatus.replaceChildren(el("p", { class: "ok", text: `${u.username} ${u.disabled ? "已启用" : "已停用"}` }));
    await users();
  }

  async function showKeys(username, created) {
    let list;
    try { list = await api(`/api/users/${encodeURIComponent(username)}/api-keys`); } catch (e) { showError(usersStatus, e); return; }
    keys.hidden = false;
    keys.replaceChildren(el("h3", { text: `${username} 的 API 密钥` }),
      created ? el("p", { class: "ok", role: "alert" }, "新密钥（只显示这一次，请妥善保存）：", el("code", { class: "new-key", text: created })) : null,
      el("ul", {}, list.map((k) => el("li", { "data-key": k.id }, `#${k.id} ${k.prefix}… ${time(k.created_at)} ${k.revoked ? "（已吊销）" : ""}`,
        k.revoked ? null : el("button", { type: "button", class: "small", text: "吊销", onclick: async () => {
          try { await api(`/api/users/${encodeURIComponent(username)}/api-keys/${k.id}`, { method: "DELETE" }); } catch (e) { showError(usersStatus, e); return; }
          showKeys(username); } })))),
      el("button", { type: "button", text: "生成新密钥", onclick: async () => {
        try { const r = await api(`/api/users/${encodeURIComponent(username)}/api-keys`, { method: "POST" }); showKeys(username, r.api_key); }
        catch (e) { showError(usersStatus, e); } } }));
  }

  document.getElementById("new-user").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = e.target, out = document.getElementById("new-user-status");
    const body = { username: f.username.value.trim(), password: f.password.value, role: f.role.value, display_name: f.display_name.value.trim() };
    if (f.uscc.value.trim()) body.uscc = f.uscc.value.trim();
    try { const u = await api("/api/users", { method: "POST", body }); out.replaceChildren(el("p", { class: "ok", text: `已新建用户 ${u.username}` })); f.reset(); await users(); }
    catch (err) { showError(out, err); }
  });

  const auditForm = document.getElementById("audit-form");
  let page = 1;
  async function audit() {
    const q = new URLSearchParams({ page, size: 20 });
    for (const k of ["username", "action"]) if (auditForm[k].value.trim()) q.set(k, auditForm[k].value.trim());
    let d;
    try { d = await api(`/api/audit?${q}`); } catch (e) { showError(document.getElementById("page-info"), e); return; }
    document.querySelector("#audit tbody").replaceChildren(...d.items.map((a) => el("tr", { "data-event": a.id },
      el("td", { text: time(a.at) }), el("td", { text: `${a.username}（${ROLES[a.role] || a.role}）` }), el("td", { class: "audit-action", text: a.action }),
      el("td", { text: a.target }), el("td", { class: "hide-narrow", text: a.client }))));
    const pages = Math.max(1, Math.ceil(d.total / d.size));
    document.getElementById("page-info").textContent = `第 ${d.page} / ${pages} 页，共 ${d.total} 条`;
    document.getElementById("prev").disabled = d.page <= 1;
    document.getElementById("next").disabled = d.page >= pages;
  }
  auditForm.addEventListener("submit", (e) => { e.preventDefault(); page = 1; audit(); });
  document.getElementById("prev").addEventListener("click", () => { page -= 1; audit(); });
  document.getElementById("next").addEventListener("click", () => { page += 1; audit(); });
  await Promise.all([users(), audit()]);
});
