// A visit on the phone and the rules of its two stopwatches, as plain functions on plain records
// (no DOM, no storage), so that a stray tap can be reasoned about in one place.
//
// A clock is stored as its start time. A stopped clock is never restarted or overwritten by a
// tap: tapping it again answers "confirm", and only an explicit undo() or measureAgain() changes it.
import { newId } from "./db.js";

export const INTERACTION_FIELDS = [
  "greeted", "greeting_seconds", "greeting_typed", "greeting_personal", "smile", "unsolicited_approaches",
  "followed", "asked", "response_seconds", "response_typed", "response_quality", "special_request", "notes",
];
// "assignment": the planned assignment a visit was started from, if any (planning links them).
const VISIT_FIELDS = ["id", "owner", "store", "started_at", "ended_at", "notes", "latitude", "longitude", "location_accuracy_m", "assignment"];

export function newInteraction() {
  return {
    greeted: false, greeting_seconds: null, greeting_typed: false, greeting_personal: false, smile: null,
    unsolicited_approaches: 0, followed: false, asked: false, response_seconds: null, response_typed: false,
    response_quality: null, special_request: false, notes: "",
    greet_from: null, ask_from: null,
  };
}

// Created on the home screen, before the shopper is in the store: no clock runs yet.
export function newVisit({ owner, store, storeName, now = new Date() }) {
  return {
    id: newId(), owner, state: "draft", store, store_name: storeName, started_at: now.toISOString(),
    entered: false, ended_at: null, notes: "", latitude: null, longitude: null, location_accuracy_m: null,
    interactions: [newInteraction()], current: 0, server_errors: {}, result: null, created_at: now.toISOString(),
  };
}

export function secondsBetween(fromIso, now) {
  return Math.max(0, Math.round((now.getTime() - Date.parse(fromIso)) / 1000));
}

// clock: "greet" | "ask". state of a clock: "idle", "running" or "stopped".
export function clockState(item, clock) {
  if (clock === "greet") {
    if (item.greeted && item.greeting_seconds !== null) return "stopped";
    return item.greet_from ? "running" : "idle";
  }
  if (item.asked && item.response_seconds !== null) return "stopped";
  return item.asked && item.ask_from ? "running" : "idle";
}

// "I entered" / "I ask". Returns "started" or "confirm" (the clock already runs or has stopped).
export function start(visit, item, clock, now = new Date()) {
  if (clockState(item, clock) !== "idle") return "confirm";
  if (clock === "greet") {
    item.greet_from = now.toISOString();
    // The visit begins when the shopper enters the store, not when it was created on the phone.
    if (!visit.entered) {
      visit.entered = true;
      visit.started_at = item.greet_from;
    }
  } else {
    item.asked = true;
    item.ask_from = now.toISOString();
    item.response_seconds = null;
    item.response_typed = false;
  }
  return "started";
}

// "Greeted" / "Attended". Returns "stopped", "confirm" (already stopped) or "idle" (nothing runs).
export function stop(item, clock, now = new Date()) {
  const state = clockState(item, clock);
  if (state === "stopped") return "confirm";
  if (state === "idle") return "idle";
  if (clock === "greet") {
    item.greeted = true;
    item.greeting_seconds = secondsBetween(item.greet_from, now);
    item.greeting_typed = false;
  } else {
    item.response_seconds = secondsBetween(item.ask_from, now);
    item.response_typed = false;
  }
  return "stopped";
}

// Undo a stop: the clock runs on from its start. Undo of a start: back to idle.
export function undo(item, clock) {
  const state = clockState(item, clock);
  if (clock === "greet") {
    if (state === "stopped") Object.assign(item, { greeted: false, greeting_seconds: null, greeting_typed: false, greeting_personal: false });
    else item.greet_from = null;
  } else if (state === "stopped") {
    Object.assign(item, { response_seconds: null, response_typed: false });
  } else {
    Object.assign(item, { asked: false, ask_from: null, response_seconds: null, response_quality: null, response_typed: false });
  }
}

// Explicit "measure again": the clock starts anew from now.
export function measureAgain(item, clock, now = new Date()) {
  if (clock === "greet") {
    Object.assign(item, { greeted: false, greeting_seconds: null, greeting_typed: false, greet_from: now.toISOString() });
  } else {
    Object.assign(item, { asked: true, response_seconds: null, response_typed: false, ask_from: now.toISOString() });
  }
}

// Seconds typed by hand: kept, and marked as typed for the reviewer.
export function typeSeconds(item, field, value) {
  const typedField = field === "greeting_seconds" ? "greeting_typed" : "response_typed";
  if (item[field] === value) return;
  item[field] = value;
  item[typedField] = value !== null;
}

// Keep an interaction consistent with the server's rules as things are switched off.
export function normalise(item) {
  if (!item.greeted) Object.assign(item, { greeting_seconds: null, greeting_personal: false, greeting_typed: false });
  if (!item.asked) Object.assign(item, { response_seconds: null, response_quality: null, response_typed: false, ask_from: null });
}

// What the API receives: the visit's own fields and its owner, without the phone's bookkeeping.
export function payload(visit) {
  const body = Object.fromEntries(VISIT_FIELDS.map((field) => [field, visit[field]]));
  body.interactions = visit.interactions.map((item) => {
    const copy = { ...item };
    normalise(copy);
    return Object.fromEntries(INTERACTION_FIELDS.map((field) => [field, copy[field]]));
  });
  return body;
}

// Bytes as the server counts them (UTF-8), not UTF-16 units.
export function byteLength(value) {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
