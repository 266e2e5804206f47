// Visits live in localStorage from the first tap: writes are synchronous, so nothing is lost when
// the tab is closed, and a reload finds the draft, the queue and the results where they were.
// Each record belongs to the user who made it (several people may share a phone).
const VISITS_KEY = "oasis.visits.v1";
const ME_KEY = "oasis.me.v1";
const KEEP_SYNCED = 30;

export const INTERACTION_FIELDS = [
  "greeted", "greeting_seconds", "greeting_personal", "smile", "unsolicited_approaches", "followed",
  "asked", "response_seconds", "response_quality", "special_request", "notes",
];
const VISIT_FIELDS = ["id", "store", "started_at", "ended_at", "notes", "latitude", "longitude", "location_accuracy_m"];

export class StorageFull extends Error {}

function readAll() {
  try {
    return JSON.parse(localStorage.getItem(VISITS_KEY)) || {};
  } catch {
    return {};
  }
}

function writeAll(all) {
  try {
    localStorage.setItem(VISITS_KEY, JSON.stringify(all));
  } catch (error) {
    throw new StorageFull(String(error));
  }
}

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function newInteraction(clockStartedAt) {
  return {
    greeted: false, greeting_seconds: null, greeting_personal: false, smile: null, unsolicited_approaches: 0,
    followed: false, asked: false, response_seconds: null, response_quality: null, special_request: false,
    notes: "", clock_started_at: clockStartedAt, ask_started_at: null,
  };
}

export function newVisit({ owner, store, storeName }) {
  const now = new Date().toISOString();
  return {
    id: newId(), owner, state: "draft", store, store_name: storeName, started_at: now, ended_at: null,
    notes: "", latitude: null, longitude: null, location_accuracy_m: null,
    interactions: [newInteraction(now)], server_errors: {}, result: null,
  };
}

export function listVisits(owner) {
  return Object.values(readAll())
    .filter((visit) => visit.owner === owner)
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
}

export function getVisit(id) {
  return readAll()[id] || null;
}

export function saveVisit(visit) {
  const all = readAll();
  visit.updated_at = new Date().toISOString();
  all[visit.id] = visit;
  writeAll(all);
  return visit;
}

export function removeVisit(id) {
  const all = readAll();
  delete all[id];
  writeAll(all);
}

// Synced visits are on the server; keep the newest few on the phone for the list.
export function pruneSynced(owner) {
  const all = readAll();
  const synced = Object.values(all)
    .filter((visit) => visit.owner === owner && visit.state === "synced")
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
  for (const visit of synced.slice(KEEP_SYNCED)) delete all[visit.id];
  writeAll(all);
}

// What the API receives: the visit's own fields, without the phone's bookkeeping.
export function payload(visit) {
  const body = Object.fromEntries(VISIT_FIELDS.map((field) => [field, visit[field]]));
  body.interactions = visit.interactions.map((item) =>
    Object.fromEntries(INTERACTION_FIELDS.map((field) => [field, item[field]])),
  );
  return body;
}

export function loadMe() {
  try {
    return JSON.parse(localStorage.getItem(ME_KEY));
  } catch {
    return null;
  }
}

export function saveMe(me) {
  localStorage.setItem(ME_KEY, JSON.stringify(me));
}

// On log-out: the next person on this phone sees nobody's visits until they log in.
export function forgetMe() {
  localStorage.removeItem(ME_KEY);
}

// Another tab changed the visits: call back so this tab shows the same.
export function onOtherTabChange(callback) {
  window.addEventListener("storage", (event) => {
    if (event.key === VISITS_KEY) callback();
  });
}
