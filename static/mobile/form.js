// After leaving the store: complete the visit (personal greeting, quality of the answer, special
// request, notes, photos), check it and queue it. Seconds typed here are marked as typed.
import { applyTo, formatNumber, t } from "./i18n.js";
import { saveVisit } from "./db.js";
import { LIMITS, parsePath, visitErrors, visitWarnings } from "./validation.js";
import { normalise, typeSeconds } from "./visit.js";
import { renderPhotos } from "./photos.js";

const $ = (selector) => document.querySelector(selector);

let visit = null;
let stores = [];
let hooks = { submitted: () => {}, home: () => {}, discard: () => {}, store: () => {} };

const cardOf = (index) => document.querySelector(`#contacts > li[data-index="${index}"]`);

// One line per interaction, also shown to reviewers: typed seconds say so.
export function brief(item) {
  const typed = (flag) => (flag ? ` (${t("typed")})` : "");
  const parts = [item.greeted && item.greeting_seconds !== null && item.greeting_seconds !== undefined
    ? t("brief_greeted", { seconds: item.greeting_seconds }) + typed(item.greeting_typed) + (item.greeting_personal ? ` (${t("brief_personal")})` : "")
    : item.greeted ? t("greeted") : t("brief_not_greeted")];
  if (item.smile) parts.push(t("brief_smile", { smile: item.smile }));
  if (item.unsolicited_approaches) parts.push(t("brief_approaches", { count: item.unsolicited_approaches }));
  if (item.followed) parts.push(t("brief_followed"));
  if (item.asked) {
    parts.push(t("brief_asked", { seconds: item.response_seconds ?? "?", quality: item.response_quality ?? "?" }) + typed(item.response_typed));
  }
  if (item.special_request) parts.push(t("brief_special"));
  return parts.join(" · ");
}

function save() {
  saveVisit(visit);
}

function countText(text) {
  const length = (text || "").length;
  return t("chars_count", { count: length, max: LIMITS.maxNotes });
}

function buildCard(index) {
  const node = $("#tpl-contact").content.firstElementChild.cloneNode(true);
  node.dataset.index = index;
  const prefix = `c${index}-`;
  for (const element of node.querySelectorAll("[data-id]")) element.id = prefix + element.dataset.id;
  for (const element of node.querySelectorAll("[data-for]")) element.htmlFor = prefix + element.dataset.for;
  for (const element of node.querySelectorAll("[data-error]")) element.id = `${prefix}err-${element.dataset.error}`;
  for (const radio of node.querySelectorAll("input[type=radio]")) {
    radio.name = prefix + radio.dataset.field;
    radio.id = `${prefix}${radio.dataset.field}-${radio.value}`;
  }
  const count = node.querySelector("[data-role=notes-count]");
  count.id = `${prefix}notes-count`;
  node.querySelector("textarea").setAttribute("aria-describedby", count.id);
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
  node.querySelector("[data-role=greeting-typed]").hidden = !item.greeting_typed;
  node.querySelector("[data-role=response-typed]").hidden = !item.response_typed;
  node.querySelector("[data-action=remove]").hidden = visit.interactions.length < 2;
  node.querySelector("[data-role=title]").textContent = t("interaction_n", { n: index + 1 });
  node.querySelector("[data-role=brief]").textContent = brief(item);
  node.querySelector("[data-role=notes-count]").textContent = countText(item.notes);
}

function renderContacts() {
  $("#contacts").replaceChildren(...visit.interactions.map((item, index) => buildCard(index)));
}

function readInput(input) {
  if (input.type === "checkbox") return input.checked;
  if (input.type === "radio") return Number(input.value);
  if (input.type === "number") {
    if (input.value.trim() === "") return null;
    const number = Number(input.value);
    return Number.isNaN(number) ? input.value : number;
  }
  return input.value;
}

function forgetServerError(path) {
  if (visit.server_errors && path in visit.server_errors) delete visit.server_errors[path];
}

function onContactChange(event) {
  const input = event.target;
  if (!input.dataset.field) return;
  const card = input.closest("li[data-index]");
  const index = Number(card.dataset.index);
  const item = visit.interactions[index];
  const field = input.dataset.field;
  const value = readInput(input);
  if (field === "greeting_seconds" || field === "response_seconds") typeSeconds(item, field, value);
  else item[field] = value;
  forgetServerError(`interactions[${index}].${field}`);
  normalise(item);
  fillCard(card, item, index);
  save();
}

function onContactAction(event) {
  const button = event.target.closest("[data-action=remove]");
  if (!button) return;
  const index = Number(button.closest("li[data-index]").dataset.index);
  if (visit.interactions.length < 2 || !window.confirm(t("confirm_remove", { n: index + 1 }))) return;
  visit.interactions.splice(index, 1);
  visit.current = Math.min(visit.current || 0, visit.interactions.length - 1);
  visit.server_errors = {};
  save();
  renderContacts();
}

// Put each message next to its field; messages without a field go into the screen's box.
export function showErrors(errors) {
  const root = $("#screen-complete");
  for (const element of root.querySelectorAll(".field-error")) {
    element.hidden = true;
    element.textContent = "";
  }
  for (const element of root.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  const box = $("#complete-errors");
  const loose = [];
  let first = null;
  for (const [path, raw] of Object.entries(errors)) {
    const message = raw.startsWith("too_large:") ? t("err_too_large", { kb: raw.slice(10) }) : raw;
    const { index, field } = parsePath(path);
    let target = null;
    let control = null;
    if (index !== null && field && cardOf(index)) {
      target = cardOf(index).querySelector(`[data-error="${field}"]`);
      control = cardOf(index).querySelector(`#c${index}-${field}`);
    } else if (index === null) {
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

function allErrors() {
  // The server's reasons stay until the user touches the field or sends again.
  return { ...visitErrors(visit), ...(visit.server_errors || {}) };
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

function renderWarnings() {
  const warnings = visitWarnings(visit);
  $("#warnings").hidden = warnings.length === 0;
  $("#warning-list").replaceChildren(...warnings.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  if (!warnings.length) $("#warnings-ok").checked = false;
  return warnings;
}

function render() {
  storeOptions($("#complete-store"));
  $("#complete-started").value = toLocalInput(visit.started_at);
  $("#complete-ended").value = toLocalInput(visit.ended_at);
  if (document.activeElement !== $("#complete-notes")) $("#complete-notes").value = visit.notes;
  $("#complete-notes-count").textContent = countText(visit.notes);
  $("#complete-position").textContent = visit.latitude === null
    ? t("position_none")
    : t("position_at", {
      latitude: formatNumber(visit.latitude, 5), longitude: formatNumber(visit.longitude, 5),
      accuracy: Math.round(visit.location_accuracy_m ?? 0),
    });
  renderContacts();
  renderWarnings();
  renderPhotos(visit);
  return showErrors({ ...(visit.server_errors || {}) });
}

function onVisitChange(event) {
  const field = event.target.dataset.vfield;
  if (!field) return;
  if (field === "store") {
    visit.store = event.target.value;
    visit.store_name = stores.find((store) => store.code === visit.store)?.name || visit.store;
  } else if (field === "notes") {
    visit.notes = event.target.value;
    $("#complete-notes-count").textContent = countText(visit.notes);
  } else {
    visit[field] = fromLocalInput(event.target.value);
  }
  forgetServerError(field);
  save();
  if (event.type === "change") {
    showErrors(allErrors());
    renderWarnings();
  }
}

function submit() {
  renderWarnings();
  const first = showErrors(allErrors());
  if (first) {
    first.scrollIntoView({ block: "center" });
    if (first.focus) first.focus({ preventScroll: true });
    return;
  }
  if (!$("#warnings").hidden && !$("#warnings-ok").checked) {
    $("#warnings").scrollIntoView({ block: "center" });
    $("#warnings-ok").focus({ preventScroll: true });
    return;
  }
  visit.state = "queued";
  visit.queued_at = new Date().toISOString();
  visit.server_errors = {};
  visit.attempts = 0;
  visit.next_try_at = 0;
  const sent = visit;
  saveVisit(sent).then(() => hooks.submitted(sent));
  visit = null;
}

export function setStores(list) {
  stores = list;
}

export function completeVisit() {
  return visit;
}

export function openComplete(record) {
  visit = record;
  return render();
}

export function refreshComplete() {
  if (visit) render();
}

export function initComplete(options) {
  hooks = options;
  const contacts = $("#contacts");
  contacts.addEventListener("change", onContactChange);
  contacts.addEventListener("input", (event) => {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "number") onContactChange(event);
  });
  contacts.addEventListener("click", onContactAction);
  const screen = $("#screen-complete");
  screen.addEventListener("change", onVisitChange);
  $("#complete-notes").addEventListener("input", onVisitChange);
  $("#submit-visit").addEventListener("click", submit);
  $("#back-to-store").addEventListener("click", () => hooks.store(visit));
  $("#complete-home").addEventListener("click", () => hooks.home());
  $("#discard-visit").addEventListener("click", () => {
    if (window.confirm(t("confirm_discard"))) hooks.discard(visit);
  });
}

