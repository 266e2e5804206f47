// The in-store screen: everything a shopper needs while inside fits one phone screen, one contact
// (interaction) at a time, within reach of the thumb. The rest is completed after leaving (form.js).
import { t } from "./i18n.js";
import { saveVisit } from "./db.js";
import { showWatch } from "./stopwatch.js";
import { LIMITS } from "./validation.js";
import { clockState, measureAgain, newInteraction, start, stop, undo } from "./visit.js";

const $ = (selector) => document.querySelector(selector);
const CHOICE_MS = 8000;

let visit = null;
let hooks = { leave: () => {} };
let pending = null; // the clock a stray second tap asked about: {clock}
let choiceTimer = null;

const item = () => visit.interactions[visit.current];

function save() {
  saveVisit(visit);
}

// A clock's state drawn by shape, not colour alone (mobile.css): running, stopped (a check mark).
function marks(clock, state) {
  const [from, to] = document.querySelectorAll(`[data-clock=${clock}]`);
  from.dataset.state = $(`#${clock}-clock`).dataset.state = state;
  to.dataset.state = state === "stopped" ? state : "idle";
}

function render() {
  if (!visit) return;
  const current = item();
  $("#capture-title").textContent = visit.store_name || visit.store;
  $("#capture-count").textContent = t("contact_n_of", { n: visit.current + 1, count: visit.interactions.length });
  // Greeting: "I entered" starts the clock, "Greeted" stops it.
  const greet = clockState(current, "greet");
  $("#tap-entered").textContent = t(visit.current === 0 ? "entered_now" : "start_clock");
  $("#tap-entered").classList.toggle("done", greet !== "idle");
  $("#tap-greeted").classList.toggle("done", greet === "stopped");
  $("#tap-greeted").setAttribute("aria-disabled", String(greet === "idle"));
  marks("greet", greet);
  if (greet === "running") showWatch($("#greet-clock"), { since: current.greet_from });
  else showWatch($("#greet-clock"), { seconds: greet === "stopped" ? current.greeting_seconds : null });
  const ask = clockState(current, "ask");
  $("#tap-ask").classList.toggle("done", ask !== "idle");
  $("#tap-attended").classList.toggle("done", ask === "stopped");
  $("#tap-attended").setAttribute("aria-disabled", String(ask === "idle"));
  marks("ask", ask);
  if (ask === "running") showWatch($("#ask-clock"), { since: current.ask_from });
  else showWatch($("#ask-clock"), { seconds: ask === "stopped" ? current.response_seconds : null });
  for (const button of document.querySelectorAll("#face-scale [data-face]")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.face) === current.smile));
  }
  $("#approach-count").value = String(current.unsolicited_approaches || 0);
  $("#tap-followed").setAttribute("aria-pressed", String(Boolean(current.followed)));
  $("#contact-prev").disabled = visit.current === 0;
  $("#contact-next").disabled = visit.current >= visit.interactions.length - 1;
  $("#contact-add").disabled = visit.interactions.length >= LIMITS.maxInteractions;
}

function hideChoice() {
  pending = null;
  clearTimeout(choiceTimer);
  $("#choice").hidden = true;
}

// A tap on a clock that already runs or has stopped: ask, never overwrite.
function offerChoice(clock) {
  const current = item();
  const state = clockState(current, clock);
  pending = { clock };
  const seconds = clock === "greet" ? current.greeting_seconds : current.response_seconds;
  const key = state === "stopped" ? `choice_${clock}_stopped` : `choice_${clock}_running`;
  $("#choice-text").textContent = t(key, { time: seconds === null ? "" : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}` });
  $("#choice [data-choice=undo]").hidden = false;
  $("#choice").hidden = false;
  clearTimeout(choiceTimer);
  choiceTimer = setTimeout(hideChoice, CHOICE_MS);
}

function onClock(event) {
  const button = event.currentTarget;
  const clock = button.dataset.clock;
  const current = item();
  const outcome = button.dataset.edge === "start" ? start(visit, current, clock) : stop(current, clock);
  if (outcome === "confirm") offerChoice(clock);
  else hideChoice();
  if (outcome === "started" || outcome === "stopped") save();
  render();
}

function onChoice(event) {
  const button = event.target.closest("[data-choice]");
  if (!button || !pending) return;
  const current = item();
  if (button.dataset.choice === "undo") undo(current, pending.clock);
  else if (button.dataset.choice === "again") measureAgain(current, pending.clock);
  hideChoice();
  save();
  render();
}

function change(mutate) {
  mutate(item());
  hideChoice();
  save();
  render();
}

export function openCapture(record) {
  visit = record;
  if (!Number.isInteger(visit.current) || visit.current >= visit.interactions.length) visit.current = visit.interactions.length - 1;
  hideChoice();
  render();
}

export function captureVisit() {
  return visit;
}

export function closeCapture() {
  hideChoice();
  visit = null;
}

export function refreshCapture() {
  render();
}

export function initCapture(options) {
  hooks = options;
  for (const id of ["#tap-entered", "#tap-greeted", "#tap-ask", "#tap-attended"]) $(id).addEventListener("click", onClock);
  $("#choice").addEventListener("click", onChoice);
  $("#face-scale").addEventListener("click", (event) => {
    const button = event.target.closest("[data-face]");
    if (button) change((current) => { current.smile = Number(button.dataset.face); });
  });
  $("#approach-plus").addEventListener("click", () => change((current) => {
    current.unsolicited_approaches = Math.min(LIMITS.maxApproaches, (current.unsolicited_approaches || 0) + 1);
  }));
  $("#approach-minus").addEventListener("click", () => change((current) => {
    current.unsolicited_approaches = Math.max(0, (current.unsolicited_approaches || 0) - 1);
  }));
  $("#tap-followed").addEventListener("click", () => change((current) => { current.followed = !current.followed; }));
  $("#contact-prev").addEventListener("click", () => { visit.current = Math.max(0, visit.current - 1); hideChoice(); save(); render(); });
  $("#contact-next").addEventListener("click", () => { visit.current = Math.min(visit.interactions.length - 1, visit.current + 1); hideChoice(); save(); render(); });
  $("#contact-add").addEventListener("click", () => {
    if (visit.interactions.length >= LIMITS.maxInteractions) return;
    visit.interactions.push(newInteraction());
    visit.current = visit.interactions.length - 1;
    hideChoice();
    save();
    render();
  });
  $("#left-store").addEventListener("click", () => {
    if (!visit.ended_at) visit.ended_at = new Date().toISOString();
    hideChoice();
    save();
    hooks.leave(visit);
  });
}
