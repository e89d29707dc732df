// zhengce web page: plain JavaScript, no build step, no external requests.
// Every piece of data is inserted as text (textContent), never as HTML.
"use strict";

const $ = (sel) => document.querySelector(sel);
const view = $("#view");
const statusEl = $("#status");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// Text with [start, end) spans wrapped in <mark>.
function marked(text, spans, cls) {
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [s, e] of (spans || []).slice().sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    frag.append(document.createTextNode(text.slice(pos, s)));
    frag.append(el("mark", cls ? { class: cls } : {}, text.slice(s, e)));
    pos = e;
  }
  frag.append(document.createTextNode(text.slice(pos)));
  return frag;
}

function setStatus(text, isError = false) {
  statusEl.textContent = text;
  statusEl.classList.toggle("error", isError);
}

async function api(path, options = {}) {
  const resp = await fetch(path, {
    headers: { "Content-Type": "application/json" }, ...options,
  });
  let body = null;
  try { body = await resp.json(); } catch (_) { /* not JSON */ }
  if (!resp.ok) {
    const detail = body && body.detail ? (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)) : resp.statusText;
    throw new Error(detail);
  }
  return body;
}

function filters() {
  const out = {};
  const doc = $("#f-doc").value; if (doc) out.doc = [doc];
  const yf = $("#f-year-from").value; if (yf) out.year_from = Number(yf);
  const yt = $("#f-year-to").value; if (yt) out.year_to = Number(yt);
  const unit = $("#f-unit").value.trim(); if (unit) out.unit = unit;
  return out;
}

// A clause's unit carries its basis, an answer's unit role_stated: a unit only named as
// responsible ("X负责…") is 责任单位, not 配合单位.
function roleTitle(u) {
  if (u.role === "lead") return "牵头单位";
  return u.basis === "listed" || u.role_stated === false ? "责任单位" : "配合单位";
}

function unitChips(units, onClick) {
  return el("ul", { class: "chips" }, units.map((u) =>
    el("li", {}, el("button", {
      type: "button", class: "chip" + (u.role === "lead" ? " lead" : ""),
      title: roleTitle(u),
      onclick: onClick ? (ev) => onClick(u, ev) : null,
    }, u.name + (u.role === "lead" ? "（牵头）" : "")))));
}

function hitCard(h, extra = {}) {
  const crumbs = el("div", { class: "crumbs" }, (h.path || []).map((p) => el("span", {}, p)));
  const meta = el("div", { class: "meta" },
    `《${h.doc_title || h.doc_id}》`, h.issuer ? ` · ${h.issuer}` : "", h.date ? ` · ${h.date}` : "",
    h.doc_number ? ` · ${h.doc_number}` : "", h.proposer ? ` · 建议单位：${h.proposer}` : "");
  const text = extra.diff ? marked(h.text, h.diff_marks, "diff") : marked(h.excerpt, h.excerpt_marks);
  const link = el("a", { href: `#/doc/${encodeURIComponent(h.doc_id)}?clause=${encodeURIComponent(h.clause_id)}`, class: "source" }, "查看原文");
  return el("article", { class: "hit" + (h.weak ? " weak" : ""), "data-clause": h.clause_id },
    el("h3", {}, `${h.number || ""}${h.title}`),
    crumbs, meta,
    el("p", { class: "excerpt" }, text),
    h.text ? el("p", { class: "print-only fulltext" }, h.text) : null,
    h.units && h.units.length ? unitChips(h.units) : null,
    h.deadline ? el("div", { class: "meta deadline" }, `完成时限：${h.deadline.raw}`) : null,
    el("div", { class: "meta" }, link, extra.similarity !== undefined ? ` · 相似度 ${extra.similarity.toFixed(3)}` : ""));
}

function renderAsk(body) {
  view.replaceChildren();
  if (!body.answerable) {
    view.append(el("div", { class: "notfound", id: "not-found" },
      el("strong", {}, "未找到"), " 现有文件中没有回答这个问题的条款。",
      body.citations.length ? el("div", { class: "meta" }, "以下是最接近的条款，仅供参考：") : null));
    body.citations.forEach((h) => view.append(hitCard({ ...h, weak: true })));
    return;
  }
  const byId = Object.fromEntries(body.citations.map((h) => [h.clause_id, h]));
  const box = el("div", { class: "answer", id: "answer" },
    el("p", { class: "print-only meta" }, `问题：${body.question}　·　打印于 ${new Date().toLocaleString("zh-CN")}`),
    el("p", { class: "sentence" }, body.answer),
    el("button", { type: "button", class: "secondary no-print", id: "print", onclick: () => window.print() }, "打印 / 存为 PDF"));
  if (body.units.length) {
    const detail = el("div", { class: "chip-clauses" });
    box.append(unitChips(body.units, (u) => {
      detail.replaceChildren(el("div", { class: "meta" }, `${u.name} 见于：`),
        ...u.clause_ids.map((id) => byId[id] ? hitCard(byId[id]) : el("div", {}, id)));
    }), detail);
  }
  view.append(box);
  body.citations.forEach((h) => view.append(hitCard(h)));
}

function renderSearch(body) {
  view.replaceChildren();
  if (!body.hits.length) {
    view.append(el("div", { class: "notfound", id: "not-found" }, el("strong", {}, "未找到"), " 没有符合条件的条款。"));
    return;
  }
  body.hits.forEach((h) => view.append(hitCard(h)));
}

function renderPrecedent(body) {
  view.replaceChildren(el("p", { class: "meta" }, "按年份排列的相似条款；蓝色标出与拟写文字不同的表述。"));
  const byId = Object.fromEntries(body.hits.map((h) => [h.clause_id, h]));
  for (const group of body.timeline) {
    view.append(el("div", { class: "tl-year" }, group.label || (group.year ? `${group.year} 年` : "日期不详")));
    group.clause_ids.forEach((id) => view.append(hitCard(byId[id], { diff: true, similarity: byId[id].similarity })));
  }
}

async function runQuery(q, mode) {
  if (!q.trim()) { setStatus("请输入问题或条款。", true); return; }
  setStatus("检索中…");
  view.setAttribute("aria-busy", "true");
  const f = filters();
  try {
    let body;
    if (mode === "ask") {
      body = await api("/ask", { method: "POST", body: JSON.stringify({ question: q, k: 10, doc: f.doc || [], year_from: f.year_from, year_to: f.year_to }) });
      renderAsk(body);
    } else if (mode === "precedent") {
      body = await api("/precedent", { method: "POST", body: JSON.stringify({ text: q, k: 10 }) });
      renderPrecedent(body);
    } else {
      body = await api("/search", { method: "POST", body: JSON.stringify({ q, k: 20, ...f }) });
      renderSearch(body);
    }
    setStatus(`用时 ${Math.round(body.took_ms)} 毫秒`);
  } catch (err) {
    view.replaceChildren();
    setStatus(`出错了：${err.message}`, true);
  } finally {
    view.removeAttribute("aria-busy");
  }
}

async function showDocument(docId, clauseId) {
  setStatus("载入原文…");
  try {
    const doc = await api(`/documents/${encodeURIComponent(docId)}`);
    const clause = doc.clauses.find((c) => c.id === clauseId);
    const pre = el("div", { class: "doc-original", id: "original" });
    if (clause) {
      pre.append(doc.original.slice(0, clause.start),
        el("mark", { class: "cited", id: "cited" }, doc.original.slice(clause.start, clause.end)),
        doc.original.slice(clause.end));
    } else {
      pre.append(doc.original);
    }
    const m = doc.meta;
    view.replaceChildren(
      el("h2", {}, m.title || m.doc_id),
      el("div", { class: "meta" }, [m.issuer, m.doc_number, m.date_written && `成文 ${m.date_written}`,
        m.date_published && `发布 ${m.date_published}`, m.kind].filter(Boolean).join(" · ")),
      el("p", { class: "actions no-print" },
        el("button", { type: "button", class: "secondary", onclick: () => history.back() }, "← 返回结果"),
        downloadLink({ doc: docId }, "下载本文件责任分工表")), pre);
    setStatus(clause ? `已定位条款：${clause.number || ""}${clause.title}` : "");
    const cited = $("#cited");
    if (cited) cited.scrollIntoView({ block: "center" });
  } catch (err) {
    setStatus(`无法载入原文：${err.message}`, true);
  }
}

// A link that downloads the duty matrix (责任分工表) as a spreadsheet.
function downloadLink(params, label) {
  const q = new URLSearchParams({ ...params, format: "xlsx" });
  return el("a", { class: "button download", href: `/duties?${q}`, download: "" }, label);
}

async function showUnits(name) {
  setStatus("载入责任单位…");
  try {
    if (name) {
      const body = await api(`/units/${encodeURIComponent(name)}`);
      const byId = Object.fromEntries(body.citations.map((h) => [h.clause_id, h]));
      view.replaceChildren(el("h2", {}, name), el("p", {}, body.answer),
        el("p", { class: "actions no-print" }, downloadLink({ unit: name }, "下载该单位责任分工表")));
      for (const g of body.groups) {
        view.append(el("div", { class: "tl-year" }, `《${g.doc_title || g.doc_id}》 ${g.date || ""}`));
        const ids = [...g.lead, ...g.support, ...(g.responsible || [])];
        ids.filter((id) => byId[id]).forEach((id) => view.append(hitCard(byId[id])));
        const rest = ids.filter((id) => !byId[id]).length;
        if (rest) view.append(el("p", { class: "meta" }, `另有 ${rest} 条条款未展开。`));
      }
    } else {
      const { units } = await api("/units");
      const rows = units.map((u) => el("tr", {},
        el("td", {}, el("a", { href: `#/units/${encodeURIComponent(u.name)}` }, u.name)),
        el("td", {}, String(u.lead)), el("td", {}, String(u.support)), el("td", {}, String(u.responsible)),
        el("td", {}, String(u.documents))));
      view.replaceChildren(el("h2", {}, "责任单位目录"),
        el("table", { class: "units", id: "units-table" },
          el("thead", {}, el("tr", {}, el("th", {}, "单位"), el("th", {}, "牵头"), el("th", {}, "配合"), el("th", {}, "负责"), el("th", {}, "文件数"))),
          el("tbody", {}, rows)));
    }
    setStatus("");
  } catch (err) {
    setStatus(`出错了：${err.message}`, true);
  }
}

function currentMode() { return document.querySelector("input[name=mode]:checked").value; }

// A pasted link /?q=…&mode=… runs that question, as the hash route #/q?q=… does.
function linkQuery() {
  const params = new URLSearchParams(location.search);
  const q = params.get("q");
  if (!q || (location.hash && location.hash !== "#/" && location.hash !== "#")) return null;
  const route = `/q?${new URLSearchParams({ q, mode: params.get("mode") || "ask" })}`;
  history.replaceState(null, "", `${location.pathname}#${route}`);  // from now on, the usual hash route
  return route;
}

function route() {
  // Split the raw hash first, then decode each part: ids may hold "?", "#", "%", spaces, emoji.
  // A pasted link (/?q=…&mode=…) becomes the same hash route first.
  const raw = linkQuery() || location.hash.slice(1) || "/";
  const cut = raw.indexOf("?");
  const hash = cut < 0 ? raw : raw.slice(0, cut);
  const params = new URLSearchParams(cut < 0 ? "" : raw.slice(cut + 1));
  if (hash.startsWith("/doc/")) {
    showDocument(decodeURIComponent(hash.slice(5)), params.get("clause"));
  } else if (hash.startsWith("/admin")) {
    showAdmin();
  } else if (hash.startsWith("/units")) {
    showUnits(decodeURIComponent(hash.slice(7)) || null);
  } else if (hash.startsWith("/q")) {
    const q = params.get("q") || "";
    const mode = ["ask", "search", "precedent"].includes(params.get("mode")) ? params.get("mode") : "ask";
    $("#q").value = q;
    const radio = document.querySelector(`input[name=mode][value=${mode}]`);
    if (radio) radio.checked = true;
    runQuery(q, mode);
  } else {
    view.replaceChildren(el("p", { class: "meta" },
      "示例：", el("a", { href: "#/q?q=" + encodeURIComponent("谁负责科技成果转化") + "&mode=ask" }, "谁负责科技成果转化"),
      " · ", el("a", { href: "#/q?q=" + encodeURIComponent("科技贷款风险补偿") + "&mode=search" }, "科技贷款风险补偿")));
  }
}

function submit(ev) {
  if (ev) ev.preventDefault();
  const q = $("#q").value.trim();
  const target = `#/q?q=${encodeURIComponent(q)}&mode=${currentMode()}`;
  if (location.hash === target) route(); else location.hash = target;
}

$("#search-form").addEventListener("submit", submit);
$("#q").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) submit(ev);
});
document.addEventListener("keydown", (ev) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (ev.key === "/" && !typing) { ev.preventDefault(); $("#q").focus(); }
});
window.addEventListener("hashchange", route);

(async function init() {
  try {
    const [{ documents }, { units }] = await Promise.all([api("/documents"), api("/units")]);
    for (const d of documents) $("#f-doc").append(el("option", { value: d.doc_id }, `${d.year || "—"} ${d.title || d.doc_id}`));
    for (const u of units) $("#unit-list").append(el("option", { value: u.name }));
  } catch (err) {
    setStatus(`无法连接服务：${err.message}`, true);
  }
  route();
})();
