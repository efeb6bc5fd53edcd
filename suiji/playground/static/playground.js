// The playground's page (/dev/): act as a demo staff member. Everything on screen is built with
// text nodes (never HTML from data); the page polls the server for new messages.
"use strict";

const POLL_MS = 1500;
// `fromApp`: what the app has sent this person (as text); `pending`: that, when an action was
// sent, so the next change is the app's answer.
const state = { people: [], userid: null, shown: "", fromApp: "", reasons: {}, busy: false, pending: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "className") node.className = v;
    else if (k === "onclick") node.addEventListener("click", v);
    else if (k === "onchange") node.addEventListener("change", v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJSON(url) {
  const resp = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.detail || "请求失败（" + resp.status + "）");
  return data;
}

async function postJSON(url, body) {
  const resp = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.detail || "操作失败（" + resp.status + "）");
  return data;
}

function status(text, bad) {
  const node = document.getElementById("status");
  node.textContent = text;
  node.className = bad ? "status bad" : "status";
}

function person() {
  return state.people.find((p) => p.userid === state.userid) || null;
}

function renderPeople() {
  const list = document.getElementById("people");
  list.replaceChildren(...state.people.map((p) => el("li", {},
    el("button", { type: "button", "data-userid": p.userid,
      "aria-current": p.userid === state.userid ? "true" : "false",
      onclick: () => choose(p.userid) },
      el("span", { className: "name" }, p.name), p.waiting ? el("span", { className: "badge" }, "待答复") : null,
      el("span", { className: "meta" }, p.section + " · " + p.roles.join("、"))))));
  if (!state.people.length) list.replaceChildren(el("li", { className: "muted" }, "没有演示人员。请先运行 ./run.sh（会加载演示数据）。"));
}

function choose(userid) {
  state.userid = userid;
  state.shown = "";
  state.fromApp = "";
  state.pending = null;
  history.replaceState(null, "", "#" + new URLSearchParams({ u: userid }).toString());
  renderPeople();
  const p = person();
  document.getElementById("empty").hidden = true;
  document.getElementById("person").hidden = false;
  document.getElementById("who-name").textContent = p ? p.name : userid;
  document.getElementById("who-meta").textContent = p ? p.section + " · " + p.roles.join("、") : "";
  document.getElementById("messages").replaceChildren();
  status("");
  refresh();
  if (window.matchMedia("(max-width: 760px)").matches) {
    document.getElementById("person").scrollIntoView({ behavior: "smooth", block: "start" });
  }
}

function appPath(url) {
  // A link into the staff app (…/app/#/screen) opened as this person on this server.
  const at = url.indexOf("/app/");
  return at >= 0 ? url.slice(at) : null;
}

function cardNode(m) {
  const c = m.card;
  const parts = [el("div", { className: "src" }, c.source), el("h4", {}, c.title)];
  if (c.desc) parts.push(el("p", { className: "desc" }, c.desc));
  if (c.text) parts.push(el("p", { className: "text" }, c.text));
  if (c.rows.length) parts.push(el("dl", {}, c.rows.map((r) => el("div", {}, el("dt", {}, r.key), el("dd", {}, r.value)))));
  if (c.question && c.clickable) {
    const chosen = state.reasons[m.id] || c.question.selected;
    const select = el("select", { name: "reason", onchange: (ev) => { state.reasons[m.id] = ev.target.value; } },
      c.question.options.map((o) => el("option", { value: o.id, selected: o.id === chosen }, o.text)));
    parts.push(el("label", {}, c.question.title, select));
  }
  if (c.answered) {
    parts.push(el("div", { className: "answered" }, c.answered));
  } else {
    parts.push(el("div", { className: "buttons" }, c.buttons.map((b) => el("button", {
      type: "button", className: b.primary ? "" : "secondary", disabled: !c.clickable,
      "data-key": b.key, onclick: () => click(m, b) }, b.text))));
  }
  const links = c.links.slice();
  if (c.open) links.unshift({ title: "打开卡片（在应用中查看）", url: c.open });
  const linkNodes = links.map((l) => {
    const path = appPath(l.url);
    return path ? el("a", { href: path, onclick: (ev) => { ev.preventDefault(); openApp(path); } }, l.title) : null;
  }).filter(Boolean);
  if (linkNodes.length) parts.push(el("div", { className: "links" }, linkNodes));
  return el("article", { className: "wecard" }, parts);
}

function messageNode(m) {
  const when = el("span", { className: "when" }, (m.from === "me" ? "我 · " : "随机抽查 · ") + m.when);
  const body = m.kind === "card" ? cardNode(m) : el("div", { className: "bubble" }, m.text);
  return el("li", { className: m.from === "me" ? "me" : "app", "data-kind": m.kind }, when, body);
}

async function refresh() {
  const userid = state.userid;
  if (!userid) return;
  try {
    const data = await getJSON("/dev/api/messages?" + new URLSearchParams({ userid }));
    if (userid !== state.userid) return;
    const text = JSON.stringify(data.messages);
    if (text === state.shown) return;
    state.shown = text;
    state.fromApp = JSON.stringify(data.messages.filter((m) => m.from === "app"));
    if (state.pending !== null && state.fromApp !== state.pending) {
      state.pending = null;
      status("应用已答复。");
      loadPeople();  // who now waits for an answer (a replacement called, this card answered)
    }
    const list = document.getElementById("messages");
    list.replaceChildren(...data.messages.map(messageNode));
    if (!data.messages.length) list.replaceChildren(el("li", { className: "muted" }, "还没有收到消息。"));
  } catch (err) {
    status(err.message, true);
  }
}

async function loadPeople() {
  try {
    state.people = (await getJSON("/dev/api/people")).people;
    renderPeople();
  } catch (err) {
    status(err.message, true);
  }
}

async function click(m, button) {
  if (state.busy) return;
  state.busy = true;
  state.pending = state.fromApp;
  status("正在发送…");
  try {
    const reason = state.reasons[m.id] || (m.card.question ? m.card.question.selected : null);
    await postJSON("/dev/api/click", { userid: state.userid, msgid: m.id, key: button.key, reason });
    status("已点击“" + button.text + "”，等待应用答复…");
    setTimeout(loadPeople, 1500);
  } catch (err) {
    state.pending = null;
    status(err.message, true);
  } finally {
    state.busy = false;
    refresh();
  }
}

async function say(ev) {
  ev.preventDefault();
  const input = document.getElementById("say-text");
  const text = input.value.trim();
  if (!text || state.busy) return;
  state.busy = true;
  state.pending = state.fromApp;
  try {
    await postJSON("/dev/api/say", { userid: state.userid, text });
    input.value = "";
    status("已发送，等待应用答复…");
    setTimeout(loadPeople, 1500);
  } catch (err) {
    state.pending = null;
    status(err.message, true);
  } finally {
    state.busy = false;
    refresh();
  }
}

async function openApp(path) {
  // The staff app keeps its session in this origin's localStorage (webapp/src/auth/session.ts):
  // log in as this person through the development login and hand the session over.
  const win = window.open("", "_blank");
  try {
    const answer = await postJSON("/api/v1/auth/dev-login", { userid: state.userid });
    localStorage.setItem("suiji.token", answer.token);
    localStorage.setItem("suiji.me", JSON.stringify(answer.staff));
    if (win) win.location.href = path; else window.location.assign(path);
  } catch (err) {
    if (win) win.close();
    status(err.message, true);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  document.getElementById("say").addEventListener("submit", say);
  document.getElementById("open-app").addEventListener("click", () => openApp("/app/"));
  await loadPeople();
  const wanted = new URLSearchParams(location.hash.slice(1)).get("u");
  if (wanted && state.people.some((p) => p.userid === wanted)) choose(wanted);
  setInterval(refresh, POLL_MS);
  setInterval(loadPeople, 10 * POLL_MS);
});
