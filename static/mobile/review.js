// The supervisor's review queue: flagged shopper visits of their region first, then the other
// shopper visits nobody has reviewed yet; approve, or reject with a note. The count on the home
// button is the length of this same list, and follows every decision.
import { applyTo, formatDateTime, formatNumber, t } from "./i18n.js";
import { api, LoggedOut, Offline } from "./sync.js";
import { brief } from "./form.js";

const $ = (selector) => document.querySelector(selector);
let storeNames = {};

function status(text) {
  $("#review-status").textContent = text;
}

function item(visit, index) {
  const node = $("#tpl-review-item").content.firstElementChild.cloneNode(true);
  node.dataset.visitId = visit.id;
  const prefix = `r${index}-`;
  for (const element of node.querySelectorAll("[data-id]")) element.id = prefix + element.dataset.id;
  for (const element of node.querySelectorAll("[data-for]")) element.htmlFor = prefix + element.dataset.for;
  applyTo(node);
  if (visit.waiting_for_shopper) node.querySelector("[data-action=question]").hidden = true;
  node.querySelector("[data-role=title]").textContent = `${storeNames[visit.store] || visit.store} · ${formatDateTime(visit.started_at)}`;
  const soi = visit.scores.soi === null ? t("soi_none") : t("soi_value", { soi: formatNumber(visit.scores.soi) });
  node.querySelector("[data-role=meta]").textContent = [visit.observer, soi, t("interactions_count", { count: visit.interactions.length })].filter(Boolean).join(" · ");
  const flags = node.querySelector("[data-role=flags]");
  flags.replaceChildren(...(visit.flags || []).map((flag) => Object.assign(document.createElement("li"), { textContent: flag.label, className: "flag" })));
  flags.hidden = !(visit.flags || []).length;
  const interactions = node.querySelector("[data-role=interactions]");
  interactions.replaceChildren(...visit.interactions.map((interaction) => Object.assign(document.createElement("li"), {
    textContent: brief(interaction) + (interaction.notes ? ` · “${interaction.notes}”` : ""),
  })));
  return node;
}

async function decide(node, decision) {
  const note = node.querySelector("textarea");
  const error = node.querySelector(".field-error");
  error.hidden = true;
  note.removeAttribute("aria-invalid");
  if (decision === "reject" && !note.value.trim()) {
    showNoteError(note, error, t("err_reject_note"));
    return;
  }
  if (decision === "question") return ask(node, note, error);
  try {
    const { status: code, body } = await api("POST", `visits/${node.dataset.visitId}/review/`, { decision, note: note.value });
    if (code === 200) {
      node.remove();
      showCount(waiting - 1);
      listed = Math.max(0, listed - 1);
      status(t(decision === "approve" ? "review_done_approved" : "review_done_rejected"));
    } else if (body && body.note) {
      showNoteError(note, error, body.note);
    } else {
      status((body && (body.detail || Object.values(body).join(" "))) || t("error_server"));
    }
  } catch (failure) {
    status(failure instanceof LoggedOut ? t("logged_out") : t(failure instanceof Offline ? "review_offline" : "error_server"));
  }
}

// Send the visit back to its shopper with the note as the question; it stays listed, waiting.
async function ask(node, note, error) {
  if (!note.value.trim()) {
    showNoteError(note, error, t("err_question"));
    return;
  }
  try {
    const { status: code, body } = await api("POST", `visits/${node.dataset.visitId}/question/`, { question: note.value });
    if (code === 201) {
      note.value = "";
      node.querySelector("[data-action=question]").hidden = true;
      status(t("question_sent"));
    } else {
      status((body && (body.question || body.detail)) || t("error_server"));
    }
  } catch (failure) {
    status(failure instanceof LoggedOut ? t("logged_out") : t(failure instanceof Offline ? "review_offline" : "error_server"));
  }
}

function showNoteError(note, error, message) {
  error.textContent = message;
  error.hidden = false;
  note.setAttribute("aria-invalid", "true");
  note.setAttribute("aria-describedby", error.id);
  note.focus();
}

let waiting = 0;

function showCount(value) {
  waiting = Math.max(0, value);
  const badge = document.getElementById("review-count");
  if (badge) badge.textContent = waiting ? `(${waiting})` : "";
}

// The filters of the form above the list (store, region, flags, age), as the API's query.
function filters() {
  const form = $("#review-filters");
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (String(value).trim()) query.set(name, String(value).trim());
  return query;
}

async function queue(query = new URLSearchParams()) {
  const { status: code, body } = await api("GET", `visits/review-queue/${String(query) ? `?${query}` : ""}`);
  if (code === 400) throw new BadFilter(Object.values(body || {}).join(" "));
  return code === 200 ? body : { count: 0, results: [] };
}

class BadFilter extends Error {}

// The home button counts the whole queue; a filtered list says its own count.
export async function count() {
  const { count: value } = await queue();
  showCount(value);
  return value;
}

function fillChoices(select, choices) {
  const chosen = select.value;
  const all = select.options[0];
  select.replaceChildren(all, ...choices.map(([value, label]) => new Option(label, value)));
  select.value = choices.some(([value]) => value === chosen) ? chosen : "";
}

let listed = 0;

function showListed(value) {
  listed = Math.max(0, value);
  status(listed ? t("review_count", { count: listed }) : t("review_empty"));
}

let regionOf = {};

export async function openReview(stores) {
  storeNames = Object.fromEntries(stores.map((store) => [store.code, store.name]));
  regionOf = Object.fromEntries(stores.map((store) => [store.code, store.region]));
  fillChoices($("#review-store"), stores.map((store) => [store.code, store.name]).sort((a, b) => a[1].localeCompare(b[1])));
  const regions = [...new Set(stores.map((store) => store.region).filter(Boolean))].sort();
  fillChoices($("#review-region"), regions.map((code) => [code, code]));
  const list = $("#review-list");
  list.replaceChildren();
  status(t("loading"));
  try {
    const query = filters();
    const { count: value, results: visits } = await queue(query);
    list.replaceChildren(...visits.map(item));
    if (!String(query)) showCount(value);
    showListed(value);
  } catch (failure) {
    if (failure instanceof BadFilter) return status(failure.message);
    status(failure instanceof LoggedOut ? t("logged_out") : t(failure instanceof Offline ? "review_offline" : "error_server"));
  }
}

export function initReview() {
  $("#review-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    openReview(Object.entries(storeNames).map(([code, name]) => ({ code, name, region: regionOf[code] })));
  });
  $("#review-list").addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]");
    if (action) decide(action.closest("li[data-visit-id]"), action.dataset.action);
  });
}
