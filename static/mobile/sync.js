// Talking to /api/v1/ with the session cookie, and sending the offline queue through
// /api/v1/visits/sync/. A visit's id is its idempotency key: sending it again after a lost
// response stores nothing new, so the queue simply retries until the server has answered.
import { listVisits, payload, saveVisit, getVisit } from "./storage.js";

const CONFIG = JSON.parse(document.getElementById("oasis-config").textContent);
const TIMEOUT_MS = 20000;
const MAX_BODY = 200 * 1024; // the server refuses bodies over 256 KB
const MAX_ITEMS = 100;

export class Offline extends Error {}
export class LoggedOut extends Error {}
export class ServerTrouble extends Error {}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// fetch() with the session cookie and CSRF header. Offline, LoggedOut or ServerTrouble when
// the answer cannot be used; otherwise {status, body}.
export async function api(method, path, body = undefined) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(CONFIG.api + path, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
    });
  } catch (error) {
    throw new Offline(String(error));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 401 || (response.status === 403 && !csrfToken())) throw new LoggedOut();
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.status === 403 && data && /CSRF|credentials/i.test(data.detail || "")) throw new LoggedOut();
  if (response.status >= 500 || response.status === 429) throw new ServerTrouble(String(response.status));
  return { status: response.status, body: data };
}

function chunks(visits) {
  const batches = [];
  let batch = [];
  let size = 0;
  for (const visit of visits) {
    const item = payload(visit);
    const itemSize = JSON.stringify(item).length;
    if (batch.length && (batch.length >= MAX_ITEMS || size + itemSize > MAX_BODY)) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(item);
    size += itemSize;
  }
  if (batch.length) batches.push(batch);
  return batches;
}

function apply(result) {
  const visit = getVisit(result.id);
  if (!visit || visit.state !== "queued") return;
  if (result.status === "created" || result.status === "already_stored") {
    const stored = result.visit;
    visit.state = "synced";
    visit.server_errors = {};
    visit.result = { soi: stored.scores.soi, status: stored.status, review_note: stored.review_note || "" };
    visit.synced_at = new Date().toISOString();
  } else if (result.status === "invalid") {
    visit.state = "invalid";
    visit.server_errors = result.errors || {};
  } else if (result.status === "conflict") {
    visit.state = "conflict";
  }
  saveVisit(visit);
}

async function sendQueued(owner) {
  const queued = listVisits(owner).filter((visit) => visit.state === "queued");
  let sent = 0;
  for (const batch of chunks(queued)) {
    const { status, body } = await api("POST", "visits/sync/", batch);
    if (status !== 200 || !body || !Array.isArray(body.results)) throw new ServerTrouble(String(status));
    body.results.forEach(apply);
    sent += batch.length;
  }
  return sent;
}

// Send this user's queue; one sync at a time across the phone's tabs. Returns how many were answered.
export async function syncQueue(owner) {
  if (!listVisits(owner).some((visit) => visit.state === "queued")) return 0;
  if (navigator.locks) return navigator.locks.request("oasis-sync", () => sendQueued(owner));
  return sendQueued(owner);
}

export function config() {
  return CONFIG;
}
