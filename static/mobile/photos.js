// Photo evidence (a receipt proves the visit happened): taken or picked on the complete screen,
// downscaled to the server's longest side and re-encoded as JPEG on the phone (which drops EXIF
// and GPS), kept in IndexedDB with its visit and uploaded once the visit is stored (sync.js), under
// its own id, so a retry never stores it twice.
import { t } from "./i18n.js";
import { newId, photosOf, removePhoto, savePhoto } from "./db.js";
import { LIMITS } from "./validation.js";

const $ = (selector) => document.querySelector(selector);
const QUALITY = 0.82;
const urls = new Map();

let currentVisit = () => null;

export async function downscale(file, maxSide = LIMITS.photoMaxSide) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  return { blob, width, height };
}

function status(text) {
  $("#photo-status").textContent = text;
}

function stateText(photo) {
  if (photo.state === "sent") return t("photo_sent");
  if (photo.state === "refused") return t("photo_refused", { reason: photo.reason || "" });
  return t("photo_queued");
}

export async function renderPhotos(visit) {
  const list = $("#photo-list");
  const photos = await photosOf(visit.id);
  list.replaceChildren(...photos.map((photo, index) => {
    const li = document.createElement("li");
    li.dataset.photo = photo.id;
    li.dataset.state = photo.state;
    if (photo.blob) {
      if (!urls.has(photo.id)) urls.set(photo.id, URL.createObjectURL(photo.blob));
      const img = document.createElement("img");
      img.src = urls.get(photo.id);
      img.alt = t("photo_n", { n: index + 1 });
      img.width = 72;
      img.height = 72;
      li.append(img);
    }
    li.append(Object.assign(document.createElement("span"), { textContent: stateText(photo) }));
    if (photo.state !== "sent" && visit.state === "draft") {
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link danger";
      remove.dataset.removePhoto = photo.id;
      remove.textContent = t("photo_remove");
      li.append(remove);
    }
    return li;
  }));
  $("#photo-input").disabled = photos.length >= LIMITS.photosPerVisit;
}

async function onPick(event) {
  const input = event.target;
  const file = input.files && input.files[0];
  const visit = currentVisit();
  input.value = "";
  if (!file || !visit) return;
  status(t("photo_preparing"));
  try {
    const { blob, width, height } = await downscale(file);
    if (blob.size > LIMITS.photoMaxBytes) {
      status(t("photo_too_large"));
      return;
    }
    await savePhoto({
      id: newId(), visit: visit.id, owner: visit.owner, blob, width, height, bytes: blob.size,
      state: "queued", taken_at: new Date().toISOString(),
    });
    status(t("photo_added", { kb: Math.round(blob.size / 1024) }));
  } catch {
    status(t("photo_unreadable"));
  }
  await renderPhotos(visit);
}

export function initPhotos(getVisit) {
  currentVisit = getVisit;
  $("#photo-input").addEventListener("change", onPick);
  $("#photo-list").addEventListener("click", async (event) => {
    const button = event.target.closest("[data-remove-photo]");
    const visit = currentVisit();
    if (!button || !visit) return;
    await removePhoto(button.dataset.removePhoto);
    await renderPhotos(visit);
  });
}
