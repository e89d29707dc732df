// The "添加文件" page: add notices to the index and remove them. Needs the admin token, which is
// kept in this tab only (sessionStorage) and sent as "Authorization: Bearer …". Uses el, api,
// view and setStatus from app.js. All data is inserted as text.
"use strict";

const TOKEN_KEY = "zhengce-admin-token";
const POLL_MS = 500;

function adminHeaders() {
  return { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ""}` };
}

async function adminFetch(path, options = {}) {
  const resp = await fetch(path, { ...options, headers: { ...adminHeaders(), ...(options.headers || {}) } });
  let body = null;
  try { body = await resp.json(); } catch (_) { /* not JSON */ }
  if (!resp.ok) {
    const err = new Error(body && typeof body.detail === "string" ? body.detail : resp.statusText);
    err.status = resp.status;
    err.body = body;
    throw err;
  }
  return body;
}

function showAdmin() {
  setStatus("");
  if (sessionStorage.getItem(TOKEN_KEY)) { checkToken(); return; }
  const input = el("input", { type: "password", id: "admin-token", autocomplete: "off", placeholder: "管理令牌" });
  const form = el("form", { class: "admin-login", id: "admin-login" },
    el("label", {}, "管理令牌 ", input), el("button", { type: "submit" }, "确定"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    checkToken();
  });
  view.replaceChildren(el("h2", {}, "添加文件"),
    el("p", { class: "meta" }, "添加或删除文件需要管理令牌（由服务器管理员设置）。"), form);
  input.focus();
}

async function checkToken() {
  try {
    await adminFetch("/admin/check");
    showUploadPanel();
  } catch (err) {
    sessionStorage.removeItem(TOKEN_KEY);
    showAdmin();
    setStatus(err.status === 401 ? "令牌不正确。" : `无法使用管理功能：${err.message}`, true);
  }
}

function showUploadPanel() {
  const files = el("input", { type: "file", id: "upload-files", multiple: true, accept: ".txt,.md,.html,.htm,.docx,.pdf" });
  const results = el("ul", { class: "upload-results", id: "upload-results" });
  const form = el("form", { class: "upload", id: "upload-form" },
    files, el("button", { type: "submit", id: "upload-go" }, "上传并索引"));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); upload(files.files, results); });
  const docs = el("ul", { class: "doc-list", id: "doc-list" });
  view.replaceChildren(el("h2", {}, "添加文件"),
    el("p", { class: "meta" }, "支持 .txt .md .html .docx；同名文件替换已有的文件。索引期间检索照常进行。"),
    form, results, el("h3", {}, "已收录的文件"), docs,
    el("p", {}, el("button", { type: "button", class: "secondary", onclick: () => {
      sessionStorage.removeItem(TOKEN_KEY); showAdmin();
    } }, "退出管理")));
  listDocuments(docs, results);
}

async function listDocuments(list, results) {
  const { documents } = await api("/documents");
  list.replaceChildren(...documents.map((d) => el("li", {},
    `${d.title || d.doc_id}（${d.doc_id}）`, " ",
    el("button", { type: "button", class: "secondary small", "data-doc": d.doc_id, onclick: () => {
      if (confirm(`从索引中删除“${d.title || d.doc_id}”？`)) remove(d.doc_id, results, list);
    } }, "删除"))));
}

async function upload(fileList, results) {
  if (!fileList.length) { setStatus("请选择文件。", true); return; }
  const form = new FormData();
  for (const f of fileList) form.append("files", f, f.name);
  results.replaceChildren(...[...fileList].map((f) => el("li", {}, `${f.name}：上传中…`)));
  try {
    const { job } = await adminFetch("/documents", { method: "POST", body: form });
    await follow(job, results);
  } catch (err) {
    if (err.body && err.body.files) showFiles(err.body.files, results);
    setStatus(`上传失败：${err.message}`, true);
  }
}

async function remove(docId, results, list) {
  try {
    const { job } = await adminFetch(`/documents/${encodeURIComponent(docId)}`, { method: "DELETE" });
    results.replaceChildren(el("li", {}, `${docId}：删除中…`));
    await follow(job, results);
  } catch (err) {
    setStatus(`删除失败：${err.message}`, true);
  }
}

const FILE_STATUS = { pending: "等待索引", indexed: "已索引", failed: "失败" };

function showFiles(files, results) {
  results.replaceChildren(...files.map((f) => el("li", { class: `file-${f.status}`, "data-status": f.status },
    `${f.name}：${FILE_STATUS[f.status] || f.status}`, f.error ? `（${f.error}）` : "")));
}

// Poll the job until it is done or failed, showing each file's result.
async function follow(jobId, results) {
  for (;;) {
    const job = await adminFetch(`/jobs/${encodeURIComponent(jobId)}`);
    if (job.kind === "add") showFiles(job.files, results);
    const p = job.progress;
    if (job.status === "done") {
      const s = job.summary;
      if (job.kind === "remove") results.replaceChildren(el("li", { "data-status": "removed" }, `已删除 ${s.removed.join("、")}`));
      setStatus(`完成：索引现有 ${s.documents} 份文件、${s.clauses} 条条款。`);
      listDocuments($("#doc-list"), results);
      return job;
    }
    if (job.status === "failed") { setStatus(`失败：${job.error}`, true); return job; }
    setStatus(job.status === "queued" ? "排队中…" : `索引中（${p.stage || ""} ${p.done}/${p.total}）…`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
