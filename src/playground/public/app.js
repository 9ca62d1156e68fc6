/* global document, location, history, localStorage, fetch, EventSource, URLSearchParams, alert, confirm */
// The playground page: plain JavaScript, no build step. Each person's chat is a pane fed by its own
// Server-Sent Events stream; what the bot says arrives already printed as safe HTML by the web app's
// printer (src/channels/web/printer.ts); what a person typed is only ever shown as text.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { lang: localStorage.getItem("playground.lang") === "en" ? "en" : "vi", strings: {}, people: [], current: null, panes: new Map() };

async function api(path, body, headers) {
  const res = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...(headers ?? (body === undefined ? {} : { "content-type": "application/json" })), ...(body === undefined ? {} : { "x-playground": "1" }) },
    body: body === undefined ? undefined : headers ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${res.status}`);
  return res.json();
}

function text(id, value) {
  $(id).textContent = value ?? "";
}

async function loadDemo() {
  const demo = await api(`/api/demo?lang=${state.lang}`);
  state.strings = demo.strings;
  state.people = demo.people;
  document.documentElement.lang = state.lang;
  const s = demo.strings;
  document.title = s.title;
  text("title", s.title);
  text("intro", s.intro);
  text("language", s.language);
  text("reset", s.reset);
  text("clock-label", s.clock);
  text("clock-now", demo.now);
  text("step-day", s.next_day);
  text("step-reminder", s.next_reminder);
  text("step-quarter", s.quarter_start);
  text("people-label", s.people);
  text("attach", s.attach);
  text("send", s.send);
  text("offline", s.offline);
  $("text").placeholder = s.placeholder;
  renderPeople();
}

function renderPeople() {
  const box = $("people");
  box.replaceChildren();
  for (const p of state.people) {
    const b = document.createElement("button");
    b.type = "button";
    b.role = "tab";
    b.dataset.person = p.key;
    b.setAttribute("aria-selected", String(p.key === state.current));
    const name = document.createElement("span");
    name.textContent = p.name;
    const role = document.createElement("small");
    role.textContent = `${state.strings.roles?.[p.key] ?? ""} · ${p.organization ?? ""}`;
    b.append(name, role);
    b.addEventListener("click", () => select(p.key));
    box.append(b);
  }
}

function select(key) {
  const person = state.people.find((p) => p.key === key) ?? state.people[0];
  state.current = person.key;
  if (location.hash !== `#${person.key}`) history.replaceState(null, "", `#${person.key}`);
  for (const b of $("people").children) {
    b.setAttribute("aria-selected", String(b.dataset.person === person.key));
    // On a phone the picker scrolls sideways: the chosen person stays in sight.
    if (b.dataset.person === person.key) b.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  for (const [k, pane] of state.panes) pane.el.hidden = k !== person.key;
  paneOf(person).el.hidden = false;
  $("text").focus();
}

/** A person's pane and its event stream, opened the first time they are picked. */
function paneOf(person) {
  let pane = state.panes.get(person.key);
  if (pane) return pane;
  const el = document.createElement("section");
  el.className = "pane";
  el.dataset.chat = person.chat;
  el.setAttribute("aria-label", person.name);
  $("panes").append(el);
  pane = { el, chat: person.chat, nodes: new Map() };
  state.panes.set(person.key, pane);
  connect(pane);
  return pane;
}

function connect(pane) {
  const events = new EventSource(`/api/chats/${pane.chat}/events`);
  events.addEventListener("history", (e) => {
    $("offline").hidden = true;
    pane.el.replaceChildren();
    pane.nodes.clear();
    for (const entry of JSON.parse(e.data)) show(pane, entry);
  });
  events.addEventListener("entry", (e) => show(pane, JSON.parse(e.data)));
  // The browser reconnects by itself (the stream says how soon); the page says so meanwhile.
  events.addEventListener("error", () => {
    $("offline").hidden = false;
  });
}

function show(pane, entry) {
  const node = render(pane, entry);
  const before = pane.nodes.get(entry.id);
  if (before) before.replaceWith(node);
  else {
    const atEnd = pane.el.scrollHeight - pane.el.scrollTop - pane.el.clientHeight < 80;
    pane.el.append(node);
    if (atEnd || entry.from === "person") pane.el.scrollTop = pane.el.scrollHeight;
  }
  pane.nodes.set(entry.id, node);
}

function render(pane, entry) {
  const div = document.createElement("div");
  div.className = `msg ${entry.note ? "note" : entry.from}`;
  div.dataset.id = entry.id;
  const body = document.createElement("div");
  body.className = "body";
  // The bot's text comes printed by the server's printer (escaped text, the markup's own tags only).
  if (entry.from === "bot") body.innerHTML = entry.html ?? "";
  else body.textContent = entry.text ?? "";
  div.append(body);
  if (entry.file) {
    if (entry.file.photo) {
      const img = document.createElement("img");
      img.src = entry.file.url;
      img.alt = entry.file.name;
      img.addEventListener("load", () => {
        if (pane.el.scrollHeight - pane.el.scrollTop - pane.el.clientHeight < img.height + 120) pane.el.scrollTop = pane.el.scrollHeight;
      });
      div.append(img);
    } else {
      const a = document.createElement("a");
      a.className = "file";
      a.href = entry.file.url;
      a.download = entry.file.name;
      a.textContent = `📎 ${entry.file.name}`;
      div.append(a);
    }
  }
  if (entry.buttons?.length) {
    const rows = document.createElement("div");
    rows.className = "buttons";
    entry.buttons.forEach((labels, row) => {
      const line = document.createElement("div");
      labels.forEach((label, column) => {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = label;
        b.addEventListener("click", async () => {
          for (const x of rows.querySelectorAll("button")) x.disabled = true;
          try {
            await api(`/api/chats/${pane.chat}/press`, { entry: entry.id, row, column });
          } catch {
            alert(state.strings.failed);
          } finally {
            for (const x of rows.querySelectorAll("button")) x.disabled = false;
          }
        });
        line.append(b);
      });
      rows.append(line);
    });
    div.append(rows);
  }
  if (entry.at) {
    const time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = formatTime(entry.at);
    div.append(time);
  }
  return div;
}

/** dd/MM/yyyy HH:mm in the committee's zone, as the bot writes dates. */
function formatTime(iso) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

async function sendText(e) {
  e.preventDefault();
  const input = $("text");
  const value = input.value;
  if (!value.trim() || !state.current) return;
  input.value = "";
  try {
    await api(`/api/chats/${paneOf(currentPerson()).chat}/messages`, { text: value });
  } catch {
    input.value = value;
    alert(state.strings.failed);
  }
}

async function sendFile() {
  const picker = $("file");
  const file = picker.files?.[0];
  if (!file || !state.current) return;
  const caption = $("text").value;
  $("text").value = "";
  picker.value = "";
  const query = new URLSearchParams({ name: file.name, caption });
  try {
    await api(`/api/chats/${paneOf(currentPerson()).chat}/files?${query}`, file, { "content-type": file.type || "application/octet-stream" });
  } catch {
    alert(state.strings.failed);
  }
}

const currentPerson = () => state.people.find((p) => p.key === state.current);

async function step(kind) {
  const buttons = document.querySelectorAll(".clock button");
  for (const b of buttons) b.disabled = true;
  try {
    const r = await api("/api/clock", { step: kind });
    text("clock-now", r.now);
    text("clock-note", r.moved ? "" : state.strings.nothing_due);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

async function switchLanguage() {
  state.lang = state.lang === "vi" ? "en" : "vi";
  localStorage.setItem("playground.lang", state.lang);
  await api("/api/language", { locale: state.lang });
  await loadDemo();
}

async function reset() {
  if (!confirm(state.strings.reset_confirm)) return;
  await api("/api/reset", {});
  // The event streams end with the old demo and reconnect to the new one (each sends its history).
  await api("/api/language", { locale: state.lang });
  await loadDemo();
}

async function start() {
  $("composer").addEventListener("submit", sendText);
  $("file").addEventListener("change", sendFile);
  $("language").addEventListener("click", switchLanguage);
  $("reset").addEventListener("click", reset);
  for (const b of document.querySelectorAll(".clock button")) b.addEventListener("click", () => step(b.dataset.step));
  await loadDemo();
  if (state.lang !== "vi") await api("/api/language", { locale: state.lang });
  select(location.hash.slice(1) || "member");
}

start();
