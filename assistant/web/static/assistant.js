/* 智能助手 as a page: the same widget as the floating panel (a streamed POST /v1/chat/completions, as the caller). */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const role = document.body.dataset.role;
  const first = role === "enterprise" ? ["我们公司多少分？", "怎样提高积分？", "我们缺哪些数据？"]
    : role === "public" ? ["积分怎么算？", "有哪些指标？", "什么是积分贷？"]
    : ["各阶段平均分是多少？", "积分怎么算？", "有哪些指标？"];
  window.P.chatWidget(document.getElementById("chat")).showSuggestions(first);
});
