// Talking to /api/v1/ with the session cookie, and sending the offline queue.
//
// Each visit has its own outcome: sent (created / already stored), needs a fix (invalid, or too
// large for the server), conflict, or not this user's. Visits go in batches that fit the server's
// body limit (counted in UTF-8 bytes); a batch the server refuses as a whole is split, so one bad
// or oversized visit never holds back another. Failures of the connection or the server back off
// exponentially with jitter. Photos follow their visit once it is stored.
import { getVisit, photosOwnedBy, saveVisit, savePhoto, visitsOf } from "./db.js";
import { LIMITS } from "./validation.js";
import { byteLength, payload } from "./visit.js";

const CONFIG = JSON.parse(document.getElementById("oasis-config").textContent);
const TIMEOUT_MS = 20000;
const BACKOFF_BASE_MS = 5000;
const BACKOFF_MAX_MS = 30 * 60 * 1000;

export class Offline extends Error {}
export class LoggedOut extends Error {}
export class ServerTrouble extends Error {}

export function config() {
  return CONFIG;
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function send(method, path, { json, form } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await fetch(CONFIG.api + path, {
      method, credentials: "same-origin", headers, signal: controller.signal, cache: "no-store",
      body: json !== undefined ? JSON.stringify(json) : form,
    });
  } catch (error) {
    throw new Offline(String(error));
  } finally {
    clearTimeout(timer);
  }
}

async function answer(response) {
  // A refused session or token (expired, logged out elsewhere, password changed): log in again.
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

// fetch() with the session cookie and CSRF header: {status, body}, or Offline / LoggedOut / ServerTrouble.
export async function api(method, path, body = undefined) {
  return answer(await send(method, path, { json: body }));
}

// Exponential backoff with "equal jitter": half the delay fixed, half random, so that phones that
// lost the same connection do not all come back in the same second.
export function backoffMs(attempts, random = Math.random) {
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return delay / 2 + random() * (delay / 2);
}

let queueRetryAt = 0;

export function nextRetryAt() {
  return queueRetryAt;
}

function failedAttempt(visits) {
  const now = Date.now();
  let soonest = Infinity;
  for (const visit of visits) {
    visit.attempts = (visit.attempts || 0) + 1;
    visit.next_try_at = now + backoffMs(visit.attempts);
    soonest = Math.min(soonest, visit.next_try_at);
  }
  queueRetryAt = soonest;
  return Promise.all(visits.map(saveVisit));
}

async function apply(result, expected) {
  const visit = expected.get(result.id);
  if (!visit) return;
  const fresh = await getVisit(visit.id);
  if (!fresh || fresh.state !== "queued") return;
  Object.assign(fresh, { attempts: 0, next_try_at: 0 });
  if (result.status === "created" || result.status === "already_stored") {
    const stored = result.visit;
    fresh.state = "synced";
    fresh.outcome = result.status;
    fresh.server_errors = {};
    fresh.result = { soi: stored.scores.soi, status: stored.status, review_note: stored.review_note || "" };
    fresh.synced_at = new Date().toISOString();
  } else if (result.status === "invalid") {
    fresh.state = "invalid";
    fresh.server_errors = result.errors || {};
  } else if (result.status === "conflict") {
    fresh.state = "conflict";
  } else if (result.status === "wrong_owner") {
    fresh.state = "wrong_owner";
  }
  await saveVisit(fresh);
}

async function markTooLarge(visit) {
  visit.state = "too_large";
  visit.server_errors = { notes: `too_large:${Math.floor(LIMITS.maxBodyBytes / 1024)}` };
  await saveVisit(visit);
}

// Batches under the body limit (with room for the brackets) and the item limit.
function batches(visits) {
  const out = [];
  let batch = [];
  let size = 2;
  for (const visit of visits) {
    const itemSize = byteLength(payload(visit)) + 1;
    if (batch.length && (batch.length >= LIMITS.maxSyncItems || size + itemSize > LIMITS.maxBodyBytes)) {
      out.push(batch);
      batch = [];
      size = 2;
    }
    batch.push(visit);
    size += itemSize;
  }
  if (batch.length) out.push(batch);
  return out;
}

async function sendBatch(batch) {
  if (batch.length === 1 && byteLength([payload(batch[0])]) > LIMITS.maxBodyBytes) {
    await markTooLarge(batch[0]);
    return;
  }
  let reply;
  try {
    reply = await api("POST", "visits/sync/", batch.map(payload));
  } catch (failure) {
    if (failure instanceof Offline || failure instanceof ServerTrouble) await failedAttempt(batch);
    throw failure;
  }
  if (reply.status === 200 && reply.body && Array.isArray(reply.body.results)) {
    const expected = new Map(batch.map((visit) => [visit.id, visit]));
    for (const result of reply.body.results) await apply(result, expected);
  } else if (batch.length > 1) {
    // Refused as a whole (too large, or a list the server could not read): one by one.
    const half = Math.ceil(batch.length / 2);
    await sendBatch(batch.slice(0, half));
    await sendBatch(batch.slice(half));
  } else if (reply.status === 413) {
    await markTooLarge(batch[0]);
  } else {
    await failedAttempt(batch);
  }
}

async function uploadPhotos(owner) {
  const photos = (await photosOwnedBy(owner)).filter((photo) => photo.state === "queued" && (photo.next_try_at || 0) <= Date.now());
  for (const photo of photos) {
    const visit = await getVisit(photo.visit);
    if (!visit || visit.state !== "synced") continue; // the visit first: a photo belongs to a stored visit
    const form = new FormData();
    form.append("visit", photo.visit);
    form.append("image", photo.blob, `${photo.id}.jpg`);
    let reply;
    try {
      reply = await answer(await send("PUT", `photos/${photo.id}/`, { form }));
    } catch (failure) {
      if (failure instanceof Offline || failure instanceof ServerTrouble) {
        photo.attempts = (photo.attempts || 0) + 1;
        photo.next_try_at = Date.now() + backoffMs(photo.attempts);
        await savePhoto(photo);
      }
      throw failure;
    }
    if (reply.status === 200 || reply.status === 201) {
      // Stored: the phone keeps only a note of it, not the picture.
      await savePhoto({ id: photo.id, visit: photo.visit, owner: photo.owner, state: "sent", bytes: photo.bytes });
    } else {
      photo.state = "refused";
      photo.reason = (reply.body && (reply.body.image || reply.body.detail)) || String(reply.status);
      await savePhoto(photo);
    }
  }
}

async function sendQueued(owner, force) {
  const now = Date.now();
  const queued = (await visitsOf(owner))
    .filter((visit) => visit.state === "queued" && (force || (visit.next_try_at || 0) <= now))
    .sort((a, b) => Date.parse(a.queued_at || a.started_at) - Date.parse(b.queued_at || b.started_at));
  for (const batch of batches(queued)) await sendBatch(batch);
  queueRetryAt = 0;
  await uploadPhotos(owner);
  return queued.length;
}

// Send this user's queue (and only theirs); one sync at a time across the phone's tabs.
// force: the user asked ("Send now"), so waiting out the backoff is skipped.
export async function syncQueue(owner, { force = false } = {}) {
  if (navigator.locks) return navigator.locks.request("oasis-sync", () => sendQueued(owner, force));
  return sendQueued(owner, force);
}
