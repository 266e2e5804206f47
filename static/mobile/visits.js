// The home screen's list: this user's visits on the phone (in progress, queued, each with its own
// outcome) and their recent visits from the server, newest first by instant.
import { formatDateTime, formatNumber, t } from "./i18n.js";
import { photosOwnedBy, visitsOf } from "./db.js";

const REVIEW_STATE = { submitted: "review_submitted", approved: "review_approved", rejected: "review_rejected" };
const NEEDS_FIX = new Set(["invalid", "too_large"]);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, action, id, className = "secondary") {
  const node = element("button", className, label);
  node.type = "button";
  node.dataset.action = action;
  node.dataset.visit = id;
  return node;
}

function reviewLine(result) {
  if (!result || !result.status) return null;
  const text = t(REVIEW_STATE[result.status] || "review_submitted");
  return element("p", `review review-${result.status}`, result.review_note ? `${text}: ${result.review_note}` : text);
}

function soiText(soi) {
  return soi === null || soi === undefined ? t("soi_none") : t("soi_value", { soi: formatNumber(soi) });
}

function reason(path, message) {
  if (typeof message === "string" && message.startsWith("too_large:")) return t("err_too_large", { kb: message.slice(10) });
  return `${path}: ${message}`;
}

function localItem(visit, photos) {
  const li = element("li", `card visit state-${visit.state}`);
  li.dataset.visitId = visit.id;
  li.dataset.state = visit.state;
  li.append(element("h3", "item-title", visit.store_name || visit.store));
  li.append(element("p", "muted", formatDateTime(visit.started_at)));
  const state = element("p", "state");
  const label = NEEDS_FIX.has(visit.state) ? "state_needs_fix" : visit.state === "synced" && visit.outcome === "already_stored" ? "state_already_stored" : `state_${visit.state}`;
  state.append(element("span", `badge badge-${visit.state}`, t(label)));
  li.append(state);
  const waiting = photos.filter((photo) => photo.state === "queued").length;
  if (visit.state === "draft") {
    state.append(" ", t("interactions_count", { count: visit.interactions.length }));
    li.append(button(t("continue_visit"), "continue", visit.id, "primary"));
  } else if (visit.state === "queued") {
    state.append(" ", t("queued_hint"));
  } else if (visit.state === "synced") {
    state.append(" ", soiText(visit.result?.soi));
    const review = reviewLine(visit.result);
    if (review) li.append(review);
  } else if (NEEDS_FIX.has(visit.state)) {
    const reasons = element("ul", "reasons");
    for (const [path, message] of Object.entries(visit.server_errors || {})) reasons.append(element("li", null, reason(path, message)));
    li.append(reasons, button(t("fix_and_resend"), "fix", visit.id, "primary"));
  } else if (visit.state === "conflict") {
    li.append(element("p", "reasons", t("conflict_reason")));
    li.append(button(t("send_as_new"), "resend-new", visit.id), button(t("remove_from_phone"), "remove", visit.id, "link danger"));
  } else if (visit.state === "wrong_owner") {
    li.append(element("p", "reasons", t("wrong_owner_reason")));
  }
  if (waiting) li.append(element("p", "muted", t("photos_waiting", { count: waiting })));
  return li;
}

function serverItem(stored, storeNames) {
  const li = element("li", "card visit state-synced");
  li.dataset.visitId = stored.id;
  li.dataset.state = "synced";
  li.append(element("h3", "item-title", storeNames[stored.store] || stored.store));
  li.append(element("p", "muted", formatDateTime(stored.started_at)));
  const state = element("p", "state");
  state.append(element("span", "badge badge-synced", t("state_synced")), " ", soiText(stored.scores.soi));
  li.append(state);
  const review = reviewLine({ status: stored.status, review_note: stored.review_note });
  if (review) li.append(review);
  return li;
}

// serverVisits: the user's visits from GET /api/v1/visits/ (empty while offline).
export async function renderVisitList({ owner, serverVisits, stores }) {
  const storeNames = Object.fromEntries(stores.map((store) => [store.code, store.name]));
  const local = await visitsOf(owner);
  const photos = await photosOwnedBy(owner);
  const byId = Object.fromEntries(serverVisits.map((stored) => [stored.id, stored]));
  const items = local.map((visit) => {
    // The server's review decision is newer than what the phone remembers.
    const stored = byId[visit.id];
    if (stored && visit.state === "synced") {
      visit.result = { soi: stored.scores.soi, status: stored.status, review_note: stored.review_note || "" };
    }
    return { at: Date.parse(visit.started_at), node: localItem(visit, photos.filter((photo) => photo.visit === visit.id)) };
  });
  const localIds = new Set(local.map((visit) => visit.id));
  for (const stored of serverVisits) {
    if (!localIds.has(stored.id)) items.push({ at: Date.parse(stored.started_at), node: serverItem(stored, storeNames) });
  }
  items.sort((a, b) => b.at - a.at);
  const list = document.getElementById("visit-list");
  list.replaceChildren(...items.slice(0, 40).map((item) => item.node));
  document.getElementById("no-visits").hidden = items.length > 0;
  const queued = local.filter((visit) => visit.state === "queued").length;
  const photosWaiting = photos.filter((photo) => photo.state === "queued").length;
  document.getElementById("queue-status").textContent = queued ? t("queue_count", { count: queued }) : "";
  document.getElementById("sync-now").hidden = queued === 0 && photosWaiting === 0;
  return queued;
}
