// A shopper's assignments on the phone (planning): store, window, time of day and the wave's brief,
// kept on the phone so that they show offline too. "Start visit" opens a visit linked to the
// assignment (the visit carries its id to the server); "Decline" asks for a reason and is sent at
// once, or kept and sent when the phone is back online. Waves with a board add the open
// assignments of the shopper's stores, which they may take.
import { saveVisit } from "./db.js";
import { formatDay, language, onLanguageChange } from "./i18n.js";
import { onHome } from "./shell.js";
import { api, LoggedOut, Offline } from "./sync.js";
import { LIMITS } from "./validation.js";
import { newVisit } from "./visit.js";

const TEXT = {
  en: {
    title: "My assignments", board: "Open assignments to take", none: "No assignments right now.",
    start: "Start visit", decline: "Decline", take: "Take", reason: "Why can't you go?", send: "Send",
    cancel: "Cancel", need_reason: "Please give a reason.", declined: "Declined", queued: "Declined (sent when online)",
    started: "Visit started", done: "Done", overdue: "Overdue", offline_copy: "Saved on this phone",
    morning: "morning", midday: "midday", evening: "evening", weekday: "weekdays", weekend: "weekend",
    window: "{start} – {end}, {days}, {time}",
  },
  de: {
    title: "Meine Aufträge", board: "Offene Aufträge zum Übernehmen", none: "Zurzeit keine Aufträge.",
    start: "Besuch starten", decline: "Ablehnen", take: "Übernehmen", reason: "Warum können Sie nicht?", send: "Senden",
    cancel: "Abbrechen", need_reason: "Bitte geben Sie einen Grund an.", declined: "Abgelehnt",
    queued: "Abgelehnt (wird gesendet, sobald online)", started: "Besuch begonnen", done: "Erledigt", overdue: "Überfällig",
    offline_copy: "Auf diesem Telefon gespeichert",
    morning: "morgens", midday: "mittags", evening: "abends", weekday: "werktags", weekend: "Wochenende",
    window: "{start} – {end}, {days}, {time}",
  },
};

function tx(key, params = {}) {
  const text = (TEXT[language()] || TEXT.en)[key] ?? TEXT.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

const key = (owner, what) => `oasis.${what}.${owner}`;

function load(owner, what, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key(owner, what))) ?? fallback;
  } catch {
    return fallback;
  }
}

function store(owner, what, value) {
  localStorage.setItem(key(owner, what), JSON.stringify(value));
}

function day(iso) {
  const [year, month, date] = iso.split("-").map(Number);
  return formatDay(new Date(year, month - 1, date));
}

function isoToday() {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
}

// Due now: window begun (or overdue), no visit started from it; the first to close.
export function dueAssignment(owner, storeCode = null) {
  const today = isoToday();
  const started = load(owner, "assignments-started", {});
  return (
    load(owner, "assignments", [])
      .filter((item) => (item.status === "assigned" || item.status === "overdue") && !started[item.id])
      .filter((item) => item.window_start <= today && (!storeCode || item.store === storeCode))
      .sort((a, b) => a.window_end.localeCompare(b.window_end) || a.id - b.id)[0] || null
  );
}

function chooseDueStore(owner) {
  const select = document.getElementById("store-select");
  if (!select || select.dataset.chosen) return;
  const due = dueAssignment(owner);
  if (due && [...select.options].some((option) => option.value === due.store)) select.value = due.store;
}

let context = null;
let loading = null;
// The home screen is drawn several times while the app opens (cached, then confirmed, then after
// sending): the assignments are fetched once in that moment, not at every drawing.
const FRESH_MS = 30000;
let fetched = { owner: null, at: 0 };

// Declines made offline wait here until the server has them.
async function sendDeclines(owner) {
  const pending = load(owner, "declines", []);
  const left = [];
  for (const item of pending) {
    try {
      const { status } = await api("POST", `assignments/${item.id}/decline/`, { reason: item.reason });
      if (status >= 500) left.push(item);
    } catch (error) {
      if (error instanceof LoggedOut) throw error;
      left.push(item);
    }
  }
  store(owner, "declines", left);
}

async function refresh(owner) {
  if (loading) return loading;
  loading = (async () => {
    try {
      await sendDeclines(owner);
      const mine = await api("GET", "assignments/");
      if (mine.status === 200) store(owner, "assignments", mine.body);
      const board = await api("GET", "assignments/board/");
      if (board.status === 200) store(owner, "board", board.body);
      if (mine.status === 200 && board.status === 200) fetched = { owner, at: Date.now() };
    } catch (error) {
      if (!(error instanceof Offline) && !(error instanceof LoggedOut)) console.error(error);
    } finally {
      loading = null;
    }
    render();
  })();
  return loading;
}

export async function startFrom(assignment) {
  const { me, navigate } = context;
  const visit = newVisit({ owner: me.username, store: assignment.store, storeName: assignment.store_name });
  visit.assignment = assignment.id;
  await saveVisit(visit);
  const started = load(me.username, "assignments-started", {});
  started[assignment.id] = visit.id;
  store(me.username, "assignments-started", started);
  navigate(`#/capture/${visit.id}`);
}

async function decline(assignment, reason) {
  const owner = context.me.username;
  let queued = false;
  try {
    const { status } = await api("POST", `assignments/${assignment.id}/decline/`, { reason });
    if (status !== 200 && status !== 404 && status !== 400) queued = true;
  } catch (error) {
    if (error instanceof LoggedOut) throw error;
    queued = true;
  }
  if (queued) store(owner, "declines", [...load(owner, "declines", []), { id: assignment.id, reason }]);
  store(owner, "assignments", load(owner, "assignments", []).filter((item) => item.id !== assignment.id));
  render();
}

async function take(assignment) {
  try {
    await api("POST", `assignments/${assignment.id}/take/`);
  } catch (error) {
    if (error instanceof LoggedOut) throw error;
  }
  await refresh(context.me.username);
}

function button(label, className, onClick) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = className;
  node.textContent = label;
  node.addEventListener("click", onClick);
  return node;
}

function declineForm(item, assignment) {
  const form = document.createElement("form");
  form.className = "decline-form";
  const id = `decline-${assignment.id}`;
  const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: tx("reason") });
  const text = Object.assign(document.createElement("textarea"), { id, maxLength: LIMITS.maxDeclineReason, rows: 2 });
  const error = Object.assign(document.createElement("p"), { className: "field-error", hidden: true, textContent: tx("need_reason") });
  const send = Object.assign(document.createElement("button"), { type: "submit", className: "primary", textContent: tx("send") });
  const cancel = button(tx("cancel"), "secondary", () => form.remove());
  form.append(label, text, error, send, cancel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!text.value.trim()) {
      error.hidden = false;
      text.setAttribute("aria-invalid", "true");
      text.focus();
      return;
    }
    decline(assignment, text.value.trim());
  });
  item.append(form);
  text.focus();
}

function entry(assignment, { onBoard = false } = {}) {
  const item = document.createElement("li");
  item.className = "assignment";
  item.dataset.assignmentId = assignment.id;
  item.dataset.status = assignment.status;
  const title = Object.assign(document.createElement("strong"), { textContent: `${assignment.store_name} (${assignment.city})` });
  const when = Object.assign(document.createElement("p"), {
    className: "muted",
    textContent: tx("window", {
      start: day(assignment.window_start), end: day(assignment.window_end), days: tx(assignment.day_type), time: tx(assignment.time_of_day),
    }),
  });
  item.append(title, when);
  if (assignment.brief) item.append(Object.assign(document.createElement("p"), { className: "brief", textContent: assignment.brief }));
  const started = load(context.me.username, "assignments-started", {});
  const actions = document.createElement("div");
  actions.className = "row";
  if (onBoard) {
    actions.append(button(tx("take"), "secondary", () => take(assignment)));
  } else if (assignment.status === "done") {
    actions.append(Object.assign(document.createElement("span"), { className: "chip", textContent: tx("done") }));
  } else if (started[assignment.id]) {
    actions.append(Object.assign(document.createElement("span"), { className: "chip", textContent: tx("started") }));
  } else {
    if (assignment.status === "overdue") actions.append(Object.assign(document.createElement("span"), { className: "chip", textContent: tx("overdue") }));
    actions.append(button(tx("start"), "primary", () => startFrom(assignment)));
    actions.append(button(tx("decline"), "secondary", () => declineForm(item, assignment)));
  }
  item.append(actions);
  return item;
}

function render() {
  const root = document.getElementById("assignments");
  if (!root || !context) return;
  const me = context.me;
  const mine = me ? load(me.username, "assignments", []) : [];
  const board = me ? load(me.username, "board", []) : [];
  root.hidden = !me || me.role !== "shopper";
  if (root.hidden) return;
  root.querySelector("[data-role=title]").textContent = tx("title");
  const list = root.querySelector("[data-role=list]");
  list.replaceChildren(...mine.map((assignment) => entry(assignment)));
  root.querySelector("[data-role=none]").textContent = tx("none");
  root.querySelector("[data-role=none]").hidden = mine.length > 0;
  const boardRoot = root.querySelector("[data-role=board]");
  boardRoot.hidden = board.length === 0;
  root.querySelector("[data-role=board-title]").textContent = tx("board");
  root.querySelector("[data-role=board-list]").replaceChildren(...board.map((assignment) => entry(assignment, { onBoard: true })));
  chooseDueStore(me.username);
}

onHome((ctx) => {
  context = ctx;
  render();
  const fresh = fetched.owner === ctx.me?.username && Date.now() - fetched.at < FRESH_MS;
  if (ctx.me && ctx.me.role === "shopper" && navigator.onLine && !fresh) refresh(ctx.me.username);
});
onLanguageChange(() => render());
window.addEventListener("online", () => {
  if (context?.me?.role === "shopper") refresh(context.me.username);
});
