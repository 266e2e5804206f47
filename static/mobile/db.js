// The phone's own storage: IndexedDB, one record per visit (drafts, the queue and recent results)
// and one per photo, each carrying the user who made it (several people may share a phone).
// A change writes that one record, never a map of everything.
const DB_NAME = "oasis";
const DB_VERSION = 1;
const LEGACY_KEY = "oasis.visits.v1"; // the localStorage map of earlier versions of the app
const KEEP_SYNCED = 30;

export class StorageFull extends Error {}

let opening = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        const visits = db.createObjectStore("visits", { keyPath: "id" });
        visits.createIndex("owner", "owner");
        const photos = db.createObjectStore("photos", { keyPath: "id" });
        photos.createIndex("visit", "visit");
        photos.createIndex("owner", "owner");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    }).then(migrateLegacy);
  }
  return opening;
}

async function store(name, mode = "readonly") {
  const db = await open();
  return db.transaction(name, mode, { durability: "strict" }).objectStore(name);
}

async function write(name, record) {
  try {
    const objects = await store(name, "readwrite");
    await request(objects.put(record));
    return record;
  } catch (error) {
    if (error && error.name === "QuotaExceededError") throw new StorageFull(String(error));
    throw error;
  }
}

// Visits queued by an earlier version of the app (one localStorage map) move into IndexedDB once.
async function migrateLegacy(db) {
  let legacy = null;
  try {
    legacy = JSON.parse(localStorage.getItem(LEGACY_KEY));
  } catch {
    legacy = null;
  }
  if (legacy && typeof legacy === "object") {
    const tx = db.transaction("visits", "readwrite");
    for (const visit of Object.values(legacy)) {
      if (visit && visit.id && visit.owner) tx.objectStore("visits").put({ ...visit, entered: true });
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    localStorage.removeItem(LEGACY_KEY);
  }
  return db;
}

export async function visitsOf(owner) {
  const objects = await store("visits");
  const visits = await request(objects.index("owner").getAll(owner));
  // Newest first, by the instant (never by the text of differently written times).
  return visits.sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at));
}

export async function getVisit(id) {
  return (await request((await store("visits")).get(id))) || null;
}

export function saveVisit(visit) {
  visit.updated_at = new Date().toISOString();
  return write("visits", visit);
}

export async function removeVisit(id) {
  await request((await store("visits", "readwrite")).delete(id));
  for (const photo of await photosOf(id)) await removePhoto(photo.id);
}

// Synced visits are on the server; keep the newest few on the phone for the list.
export async function pruneSynced(owner) {
  const synced = (await visitsOf(owner)).filter((visit) => visit.state === "synced");
  for (const visit of synced.slice(KEEP_SYNCED)) {
    const photos = await photosOf(visit.id);
    if (photos.every((photo) => photo.state === "sent")) await removeVisit(visit.id);
  }
}

export async function photosOf(visitId) {
  return request((await store("photos")).index("visit").getAll(visitId));
}

export async function photosOwnedBy(owner) {
  return request((await store("photos")).index("owner").getAll(owner));
}

export function savePhoto(photo) {
  return write("photos", photo);
}

export async function removePhoto(id) {
  await request((await store("photos", "readwrite")).delete(id));
}

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Another tab changed the data: tell the others (BroadcastChannel), so every tab shows the same.
const channel = "BroadcastChannel" in self ? new BroadcastChannel("oasis-data") : null;

export function announceChange() {
  if (channel) channel.postMessage("changed");
}

export function onOtherTabChange(callback) {
  if (channel) channel.onmessage = () => callback();
}
