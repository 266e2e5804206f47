// The visit editor (one card per interaction, with the two stopwatches) and the summary screen
// before submitting. Every change is written to storage at once.
import { applyTo, formatNumber, formatTime, t } from "./i18n.js";
import { newInteraction, saveVisit } from "./storage.js";
import { secondsSince, showWatch } from "./stopwatch.js";
import { MAX_INTERACTIONS, parsePath, visitErrors } from "./validation.js";

const $ = (selector) => document.querySelector(selector);
const SVG = "http://www.w3.org/2000/svg";
// Mouth curve per smile level: 5 a broad smile, 3 a straight line, 1 a deep frown.
const MOUTH = { 5: 9, 4: 5, 3: 0, 2: -4, 1: -8 };

let visit = null;
let stores = [];
let hooks = { submitted: () => {}, home: () => {} };

const cardOf = (index) => document.querySelector(`#interactions > li[data-index="${index}"]`);

function drawFace(element, level) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 40 40");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", `face-${level}`);
  const curve = MOUTH[level];
  const brows = level === 1 ? '<path d="M10 11 L17 14 M30 11 L23 14" class="mouth"/>' : "";
  svg.innerHTML = `<circle cx="20" cy="20" r="18"/><circle cx="14" cy="16" r="2.5" class="eye"/><circle cx="26" cy="16" r="2.5" class="eye"/>
<path d="M11 ${26 - curve / 2} Q20 ${26 + curve} 29 ${26 - curve / 2}" class="mouth"/>${brows}`;
  element.replaceChildren(svg);
}

function save() {
  saveVisit(visit);
  $("#visit-meta").textContent = visitMeta();
}

function visitMeta() {
  const position = visit.latitude === null
    ? t("position_none")
    : t("position_recorded", { accuracy: Math.round(visit.location_accuracy_m ?? 0) });
  return [t("started_at_time", { time: formatTime(visit.started_at) }), position, t("saved_on_phone")].join(" · ");
}

export function brief(item) {
  const parts = [item.greeted && item.greeting_seconds !== null
    ? t("brief_greeted", { seconds: item.greeting_seconds }) + (item.greeting_personal ? ` (${t("brief_personal")})` : "")
    : item.greeted ? t("greeted") : t("brief_not_greeted")];
  if (item.smile) parts.push(t("brief_smile", { smile: item.smile }));
  if (item.unsolicited_approaches) parts.push(t("brief_approaches", { count: item.unsolicited_approaches }));
  if (item.followed) parts.push(t("brief_followed"));
  if (item.asked) {
    parts.push(t("brief_asked", { seconds: item.response_seconds ?? "?", quality: item.response_quality ?? "?" }));
  }
  if (item.special_request) parts.push(t("brief_special"));
  return parts.join(" · ");
}

function buildCard(index) {
  const node = $("#tpl-interaction").content.firstElementChild.cloneNode(true);
  node.dataset.index = index;
  const prefix = `i${index}-`;
  for (const element of node.querySelectorAll("[data-id]")) element.id = prefix + element.dataset.id;
  for (const element of node.querySelectorAll("[data-for]")) element.htmlFor = prefix + element.dataset.for;
  for (const element of node.querySelectorAll("[data-error]")) element.id = `${prefix}err-${element.dataset.error}`;
  for (const radio of node.querySelectorAll("input[type=radio]")) {
    radio.name = prefix + radio.dataset.field;
    radio.id = `${prefix}${radio.dataset.field}-${radio.value}`;
  }
  for (const face of node.querySelectorAll("[data-face]")) drawFace(face, Number(face.dataset.face));
  applyTo(node);
  fillCard(node, visit.interactions[index], index);
  return node;
}

function fillCard(node, item, index) {
  for (const input of node.querySelectorAll("[data-field]")) {
    const value = item[input.dataset.field];
    if (input.type === "checkbox") input.checked = Boolean(value);
    else if (input.type === "radio") input.checked = Number(input.value) === value;
    else if (document.activeElement !== input) input.value = value ?? "";
  }
  node.querySelector("[data-role=greeted-only]").hidden = !item.greeted;
  node.querySelector("[data-role=asked-only]").hidden = !item.asked;
  const greetClock = node.querySelector("[data-role=greet-clock]");
  if (item.greeted) showWatch(greetClock, { seconds: item.greeting_seconds });
  else showWatch(greetClock, { since: item.clock_started_at });
  const running = Boolean(item.ask_started_at) && item.response_seconds === null && item.asked;
  const askClock = node.querySelector("[data-role=ask-clock]");
  if (running) showWatch(askClock, { since: item.ask_started_at });
  else showWatch(askClock, { seconds: item.asked ? item.response_seconds : null });
  node.querySelector("[data-action=ask-now]").hidden = running;
  node.querySelector("[data-action=attended]").hidden = !running;
  node.querySelector("[data-action=remove]").hidden = visit.interactions.length < 2;
  // Restarting would silently move a greeting that is already recorded.
  node.querySelector("[data-action=restart-clock]").hidden = item.greeted;
  node.querySelector("[data-role=title]").textContent = t("interaction_n", { n: index + 1 });
  node.querySelector("[data-role=brief]").textContent = brief(item);
}

function renderInteractions(openIndex = visit.interactions.length - 1) {
  const list = $("#interactions");
  list.replaceChildren(...visit.interactions.map((item, index) => buildCard(index)));
  for (const [index, card] of [...list.children].entries()) card.querySelector("details").open = index === openIndex;
}

// Keep the interaction consistent with the server's rules as the user toggles things off.
function normalise(item) {
  if (!item.greeted) {
    item.greeting_seconds = null;
    item.greeting_personal = false;
  }
  if (!item.asked) {
    item.response_seconds = null;
    item.response_quality = null;
    item.ask_started_at = null;
  }
}

function readInput(input) {
  if (input.type === "checkbox") return input.checked;
  if (input.type === "radio") return Number(input.value);
  if (input.type === "number") {
    if (input.value.trim() === "") return null;
    const number = Number(input.value);
    return Number.isNaN(number) ? null : number;
  }
  return input.value;
}

function forgetServerError(path) {
  if (visit.server_errors && path in visit.server_errors) delete visit.server_errors[path];
}

function onFieldChange(event) {
  const input = event.target;
  if (!input.dataset.field) return;
  const card = input.closest("li[data-index]");
  const index = Number(card.dataset.index);
  const item = visit.interactions[index];
  item[input.dataset.field] = readInput(input);
  forgetServerError(`interactions[${index}].${input.dataset.field}`);
  normalise(item);
  fillCard(card, item, index);
  save();
}

function onAction(event) {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const card = button.closest("li[data-index]");
  const index = Number(card.dataset.index);
  const item = visit.interactions[index];
  const now = new Date().toISOString();
  switch (button.dataset.action) {
    case "greeted-now":
      item.greeted = true;
      item.greeting_seconds = secondsSince(item.clock_started_at);
      forgetServerError(`interactions[${index}].greeting_seconds`);
      break;
    case "restart-clock":
      item.clock_started_at = now;
      break;
    case "approach-plus":
      item.unsolicited_approaches = (Number.isInteger(item.unsolicited_approaches) ? item.unsolicited_approaches : 0) + 1;
      break;
    case "approach-minus":
      item.unsolicited_approaches = Math.max(0, (item.unsolicited_approaches || 0) - 1);
      break;
    case "ask-now":
      item.asked = true;
      item.ask_started_at = now;
      item.response_seconds = null;
      break;
    case "attended":
      item.response_seconds = secondsSince(item.ask_started_at);
      forgetServerError(`interactions[${index}].response_seconds`);
      break;
    case "remove":
      if (visit.interactions.length < 2 || !window.confirm(t("confirm_remove", { n: index + 1 }))) return;
      visit.interactions.splice(index, 1);
      visit.server_errors = {};
      save();
      renderInteractions(Math.min(index, visit.interactions.length - 1));
      return;
    default:
      return;
  }
  fillCard(card, item, index);
  save();
}

function addInteraction() {
  if (visit.interactions.length >= MAX_INTERACTIONS) {
    showErrors({ interactions: t("err_interactions_count") }, "visit");
    return;
  }
  visit.interactions.push(newInteraction(new Date().toISOString()));
  save();
  renderInteractions();
  const card = cardOf(visit.interactions.length - 1);
  card.scrollIntoView({ block: "start" });
  card.querySelector("[data-action=greeted-now]").focus({ preventScroll: true });
}

// Put each message next to its field; messages without a field go into the screen's box.
export function showErrors(errors, screen) {
  const root = $(`#screen-${screen}`);
  for (const element of root.querySelectorAll(".field-error")) {
    element.hidden = true;
    element.textContent = "";
  }
  for (const element of root.querySelectorAll("[aria-invalid]")) {
    element.removeAttribute("aria-invalid");
    element.removeAttribute("aria-describedby");
  }
  const box = root.querySelector(".error-box");
  const loose = [];
  let first = null;
  for (const [path, message] of Object.entries(errors)) {
    const { index, field } = parsePath(path);
    let target = null;
    let control = null;
    if (screen === "visit" && index !== null && field && cardOf(index)) {
      const card = cardOf(index);
      target = card.querySelector(`[data-error="${field}"]`);
      control = card.querySelector(`#i${index}-${field}`) || card.querySelector(`[data-field="${field}"]`)?.closest("fieldset");
      card.querySelector("details").open = true;
    } else if (screen === "summary" && index === null) {
      target = document.getElementById(`err-${field}`);
      control = root.querySelector(`[data-vfield="${field}"]`);
    }
    if (target) {
      target.textContent = message;
      target.hidden = false;
      if (control) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", target.id);
      }
      first = first || control || target;
    } else {
      const where = index === null ? "" : `${t("interaction_n", { n: index + 1 })}: `;
      loose.push(`${where}${message}`);
    }
  }
  box.hidden = loose.length === 0;
  box.replaceChildren(...loose.map((text) => Object.assign(document.createElement("span"), { textContent: text, className: "line" })));
  return first || (loose.length ? box : null);
}

function allErrors(finished) {
  // The server's reasons stay until the user touches the field or sends again.
  return { ...visitErrors(visit, { finished }), ...(visit.server_errors || {}) };
}

function interactionErrorsOnly(errors) {
  return Object.fromEntries(Object.entries(errors).filter(([path]) => parsePath(path).index !== null));
}

function finish() {
  const errors = interactionErrorsOnly(allErrors(false));
  const first = showErrors(errors, "visit");
  if (first) {
    first.scrollIntoView({ block: "center" });
    if (first.focus) first.focus({ preventScroll: true });
    return;
  }
  if (!visit.ended_at) visit.ended_at = new Date().toISOString();
  save();
  location.hash = `#/summary/${visit.id}`;
}

function toLocalInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (number) => String(number).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value) {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

function storeOptions(select) {
  const options = stores.map((store) => new Option(`${store.name} (${store.city})`, store.code));
  if (visit.store && !stores.some((store) => store.code === visit.store)) {
    options.unshift(new Option(visit.store_name || visit.store, visit.store));
  }
  select.replaceChildren(...options);
  select.value = visit.store;
}

function renderSummary() {
  storeOptions($("#summary-store"));
  $("#summary-started").value = toLocalInput(visit.started_at);
  $("#summary-ended").value = toLocalInput(visit.ended_at);
  $("#summary-notes").value = visit.notes;
  $("#summary-position").textContent = visit.latitude === null
    ? t("position_none")
    : t("position_at", {
      latitude: formatNumber(visit.latitude, 5), longitude: formatNumber(visit.longitude, 5),
      accuracy: Math.round(visit.location_accuracy_m ?? 0),
    });
  const list = $("#summary-interactions");
  list.replaceChildren(...visit.interactions.map((item, index) => {
    const li = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = brief(item) + (item.notes ? ` · “${item.notes}”` : "");
    const edit = document.createElement("button");
    edit.type = "button";
    edit.className = "link";
    edit.textContent = t("edit_n", { n: index + 1 });
    edit.addEventListener("click", () => {
      location.hash = `#/visit/${visit.id}`;
      setTimeout(() => cardOf(index)?.scrollIntoView({ block: "start" }), 0);
    });
    li.append(text, " ", edit);
    return li;
  }));
  return showErrors(allErrors(true), "summary");
}

function onSummaryChange(event) {
  const field = event.target.dataset.vfield;
  if (!field) return;
  if (field === "store") {
    visit.store = event.target.value;
    visit.store_name = stores.find((store) => store.code === visit.store)?.name || visit.store;
  } else if (field === "notes") {
    visit.notes = event.target.value;
  } else {
    visit[field] = fromLocalInput(event.target.value);
  }
  forgetServerError(field);
  save();
  if (event.type === "change") showErrors(allErrors(true), "summary");
}

function submit() {
  const first = renderSummary();
  if (first) {
    first.scrollIntoView({ block: "center" });
    if (first.focus) first.focus({ preventScroll: true });
    return;
  }
  visit.state = "queued";
  visit.queued_at = new Date().toISOString();
  visit.server_errors = {};
  saveVisit(visit);
  const sent = visit;
  visit = null;
  hooks.submitted(sent);
}

export function setStores(list) {
  stores = list;
}

export function current() {
  return visit;
}

export function openVisit(record) {
  visit = record;
  $("#visit-title").textContent = visit.store_name || visit.store;
  $("#visit-meta").textContent = visitMeta();
  renderInteractions();
  showErrors(interactionErrorsOnly(visit.server_errors || {}), "visit");
}

export function openSummary(record) {
  visit = record;
  renderSummary();
}

// The phone answered the position request after the visit had started.
export function positionArrived(record) {
  if (visit && visit.id === record.id) {
    Object.assign(visit, { latitude: record.latitude, longitude: record.longitude, location_accuracy_m: record.location_accuracy_m });
    $("#visit-meta").textContent = visitMeta();
  }
}

export function refreshLanguage(screen) {
  if (!visit) return;
  if (screen === "visit") openVisit(visit);
  if (screen === "summary") renderSummary();
}

export function initForm(options) {
  hooks = options;
  const list = $("#interactions");
  list.addEventListener("change", onFieldChange);
  list.addEventListener("input", (event) => {
    if (event.target.type === "number" || event.target.tagName === "TEXTAREA") onFieldChange(event);
  });
  list.addEventListener("click", onAction);
  $("#add-interaction").addEventListener("click", addInteraction);
  $("#finish-visit").addEventListener("click", finish);
  $("#visit-home").addEventListener("click", () => hooks.home());
  $("#discard-visit").addEventListener("click", () => {
    if (window.confirm(t("confirm_discard"))) hooks.discard(visit);
  });
  const summary = $("#screen-summary");
  summary.addEventListener("change", onSummaryChange);
  summary.addEventListener("input", (event) => {
    if (event.target.tagName === "TEXTAREA") onSummaryChange(event);
  });
  $("#submit-visit").addEventListener("click", submit);
  $("#edit-visit").addEventListener("click", () => {
    location.hash = `#/visit/${visit.id}`;
  });
}
