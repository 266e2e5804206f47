// Boot and routing of the mobile form: #/ (my visits), #/capture/<id> (in the store),
// #/complete/<id> (after leaving), and the screens registered through shell.js (#/review, ...).
//
// Who is logged in comes from the server (/me/) in this page's life. The copy remembered for
// offline use is trusted only while the CSRF cookie is the one it was confirmed with (Django
// rotates it at every log-in), so the next person on a shared phone never sees the previous
// person's name, drafts or visits, and nothing is sent before the server has said who this is.
import { applyTo, language, locale, onLanguageChange, otherLanguage, setLanguage, t } from "./i18n.js";
import { announceChange, getVisit, newId, onOtherTabChange, pruneSynced, removeVisit, saveVisit, StorageFull, visitsOf } from "./db.js";
import { captureVisit, closeCapture, initCapture, openCapture, refreshCapture } from "./capture.js";
import { completeVisit, initComplete, openComplete, refreshComplete, setStores } from "./form.js";
import { initPhotos } from "./photos.js";
import { count as reviewCount, initReview, openReview } from "./review.js";
import { homeHooksRun, navigate, registerScreen, screen as registered } from "./shell.js";
import { initQuestions, refreshQuestions } from "./questions.js";
import { startTicking } from "./stopwatch.js";
import { api, config, csrfToken, LoggedOut, nextRetryAt, Offline, syncQueue } from "./sync.js";
import { newVisit } from "./visit.js";
import { renderVisitList } from "./visits.js";
import { dueAssignment, startFrom } from "./assignments.js"; // a shopper's assignments (planning): a card on the home screen

const $ = (selector) => document.querySelector(selector);
const RETRY_MS = 30000;
const POSITION_KEY = "oasis.sharePosition";
const ME_KEY = "oasis.me.v2";
const DISCREET_KEY = "oasis.discreet";

let me = trustedMe();
let confirmed = false; // the server said who is logged in, in this page's life
let stores = me ? cachedStores(me.username) : [];
let serverVisits = [];
let current = "home";
let connection = navigator.onLine ? "online" : "offline";
let syncing = null;
let updateWaiting = null;
let applyingUpdate = false;

function trustedMe() {
  try {
    const saved = JSON.parse(localStorage.getItem(ME_KEY));
    return saved && saved.csrf && saved.csrf === csrfToken() ? saved.me : null;
  } catch {
    return null;
  }
}

function rememberMe(user) {
  localStorage.setItem(ME_KEY, JSON.stringify({ me: user, csrf: csrfToken() }));
}

function cachedStores(username) {
  try {
    return JSON.parse(localStorage.getItem(`oasis.stores.${username}`)) || [];
  } catch {
    return [];
  }
}

function banner(text, link = null) {
  const node = $("#banner");
  node.replaceChildren(text);
  if (link) {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = link.text;
    node.append(" ", anchor);
  }
  node.hidden = !text;
}

// The session or token was refused: log in again; every queued visit stays on the phone.
function loggedOut() {
  banner(t("logged_out"), { href: config().login, text: t("log_in") });
}

function setConnection(state) {
  connection = state;
  const net = $("#net");
  net.textContent = t(`net_${state}`);
  net.className = `net net-${state}`;
}

function show(name) {
  if (current === "capture" && name !== "capture") closeCapture();
  const leaving = registered(current);
  if (leaving && current !== name && leaving.close) leaving.close();
  current = name;
  document.body.dataset.screen = name;
  for (const section of document.querySelectorAll(".screen")) section.hidden = section.id !== `screen-${name}`;
  window.scrollTo(0, 0);
  const heading = $(`#screen-${name} h1`);
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  if (name === "home") applyUpdateIfReady();
}

async function renderHome() {
  $("#who").textContent = me ? t("who", { name: me.first_name || me.username, role: t(`role_${me.role}`) }) : "";
  const select = $("#store-select");
  // None chosen unless a due assignment's (assignments.js) or the only one
  const chosen = select.dataset.chosen ? select.value : "";
  const sorted = [...stores].sort((a, b) => a.name.localeCompare(b.name, locale()));
  const placeholder = new Option(t("choose_store"), "");
  placeholder.disabled = true;
  select.replaceChildren(...(sorted.length > 1 ? [placeholder] : []), ...sorted.map((store) => new Option(`${store.name} (${store.city})`, store.code)));
  select.value = sorted.some((store) => store.code === chosen) ? chosen : sorted.length === 1 ? sorted[0].code : "";
  const canRecord = Boolean(me && me.can_record_visits && stores.length);
  $("#start-card").hidden = !canRecord;
  const reader = Boolean(me && !me.can_record_visits && me.role === "manager");
  $("#no-stores").hidden = canRecord || reader || !me || !confirmed;
  $("#no-stores-reader").hidden = !reader || !confirmed;
  $("#to-start").hidden = !me || me.role === "shopper";
  $("#share-position").checked = localStorage.getItem(POSITION_KEY) !== "no";
  $("#review-entry").hidden = !me?.can_review;
  homeHooksRun({ me, navigate });
  if (me) await renderVisitList({ owner: me.username, serverVisits, stores });
  else $("#visit-list").replaceChildren();
}

async function route() {
  const [, name, id] = location.hash.match(/^#\/(\w+)(?:\/([\w-]+))?/) || [];
  if ((name === "capture" || name === "complete") && me) {
    const visit = id ? await getVisit(id) : null;
    if (visit && visit.state === "draft" && visit.owner === me.username) {
      if (name === "capture") openCapture(visit);
      else openComplete(visit);
      show(name);
      return;
    }
  }
  const screen = name ? registered(name) : null;
  if (screen && me && (!screen.allowed || screen.allowed(me))) {
    show(name);
    screen.open(id || null, { me, navigate });
    return;
  }
  if (location.hash && location.hash !== "#/") history.replaceState(null, "", "#/");
  show("home");
  await renderHome();
}

function recordPosition(visit) {
  if (!navigator.geolocation || !$("#share-position").checked) return;
  navigator.geolocation.getCurrentPosition(
    async (position) => {
      const stored = await getVisit(visit.id);
      if (!stored || stored.state !== "draft") return;
      const live = captureVisit() || completeVisit();
      const target = live && live.id === visit.id ? live : stored;
      target.latitude = Number(position.coords.latitude.toFixed(6));
      target.longitude = Number(position.coords.longitude.toFixed(6));
      target.location_accuracy_m = Math.round(position.coords.accuracy);
      await saveVisit(target);
    },
    () => {}, // declined or unavailable: the visit simply has no position
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}

async function startVisit() {
  const select = $("#store-select");
  const store = stores.find((item) => item.code === select.value);
  if (!me) return;
  if (!store) {
    $("#store-error").hidden = false;
    select.setAttribute("aria-invalid", "true");
    select.focus();
    return;
  }
  const due = dueAssignment(me.username, store.code);
  if (due) {
    await startFrom(due); // the visit is linked to the assignment it does
    return;
  }
  const visit = await saveVisit(newVisit({ owner: me.username, store: store.code, storeName: store.name }));
  recordPosition(visit);
  navigate(`#/capture/${visit.id}`);
}

let retryTimer = null;

function scheduleSync() {
  clearTimeout(retryTimer);
  // The next visit's backoff when one is due sooner, otherwise a periodic look.
  const due = nextRetryAt();
  const wait = due ? Math.min(RETRY_MS, Math.max(1000, due - Date.now())) : RETRY_MS;
  retryTimer = setTimeout(() => sync(), wait);
}

async function sync({ force = false } = {}) {
  if (!me || !confirmed) return; // never before the server said who is logged in
  if (syncing) return syncing;
  syncing = (async () => {
    try {
      await syncQueue(me.username, { force });
      setConnection("online");
      await pruneSynced(me.username);
      if (!$("#banner").hidden) banner("");
    } catch (failure) {
      if (failure instanceof Offline) setConnection("offline");
      else if (failure instanceof LoggedOut) loggedOut();
      else banner(t("error_server"));
    } finally {
      syncing = null;
      announceChange();
      scheduleSync();
      applyUpdateIfReady(); // a sync in flight is not a safe point; its end may be
    }
    if (current === "home") await renderHome();
  })();
  return syncing;
}

async function refreshFromServer({ opening = false, force = false } = {}) {
  try {
    const answer = await api("GET", "me/");
    if (answer.status !== 200) return;
    const changed = !me || me.username !== answer.body.username;
    me = answer.body;
    confirmed = true;
    rememberMe(me);
    setConnection("online");
    if (changed) {
      stores = cachedStores(me.username);
      serverVisits = [];
      if (current !== "home") navigate("#/");
      await renderHome();
    }
    // The picker offers the stores the server accepts visits for (open ones), not all of /me/'s.
    const open = await api("GET", "stores/");
    if (open.status === 200) {
      stores = open.body.filter((store) => me.stores.some((mine) => mine.code === store.code));
      localStorage.setItem(`oasis.stores.${me.username}`, JSON.stringify(stores));
      setStores(stores);
    }
    await sync({ force: force || opening }); // opening the app is a moment to try at once
    const mine = await api("GET", "visits/?mine=true&page_size=30");
    if (mine.status === 200) serverVisits = mine.body.results;
    if (me.role === "shopper") await refreshQuestions();
    if (me.can_review) {
      const waiting = await reviewCount();
      $("#review-count").textContent = waiting ? `(${waiting})` : "";
    }
    if (current === "home") await renderHome();
  } catch (failure) {
    if (failure instanceof Offline) setConnection("offline");
    else if (failure instanceof LoggedOut && opening && current === "home" && !me) location.assign(config().login);
    else if (failure instanceof LoggedOut) loggedOut();
  }
}

async function onListAction(event) {
  const action = event.target.closest("[data-action]");
  if (!action) return;
  const visit = await getVisit(action.dataset.visit);
  if (!visit || visit.owner !== me?.username) return;
  if (action.dataset.action === "continue") {
    navigate(`#/${visit.ended_at ? "complete" : "capture"}/${visit.id}`);
  } else if (action.dataset.action === "fix") {
    visit.state = "draft";
    await saveVisit(visit);
    navigate(`#/complete/${visit.id}`);
  } else if (action.dataset.action === "resend-new") {
    // The server holds other content under this id: send this content as a visit of its own.
    await removeVisit(visit.id);
    await saveVisit({ ...visit, id: newId(), state: "queued", server_errors: {}, attempts: 0, next_try_at: 0 });
    sync({ force: true });
  } else if (action.dataset.action === "remove" && window.confirm(t("confirm_discard"))) {
    await removeVisit(visit.id);
    await renderHome();
  }
}

function postLogout() {
  localStorage.removeItem(ME_KEY);
  const form = document.createElement("form");
  form.method = "post";
  form.action = config().logout;
  form.append(Object.assign(document.createElement("input"), { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken() }));
  document.body.append(form);
  form.submit();
}

// Logging out with unsent visits asks: send them now, or keep them on the phone for this user
// (shown and sent again only when they log in).
async function logOut() {
  const unsent = me ? (await visitsOf(me.username)).filter((visit) => visit.state !== "synced") : [];
  if (!unsent.length) {
    postLogout();
    return;
  }
  const dialog = $("#logout-dialog");
  $("#logout-text").textContent = t("logout_unsent", { count: unsent.length, name: me.first_name || me.username });
  dialog.showModal();
}

async function onLogoutChoice(event) {
  const choice = event.target.closest("[data-logout]")?.dataset.logout;
  if (!choice) return;
  const dialog = $("#logout-dialog");
  if (choice === "cancel") {
    dialog.close();
  } else if (choice === "keep") {
    dialog.close();
    postLogout();
  } else if (choice === "send") {
    await sync({ force: true });
    const left = (await visitsOf(me.username)).filter((visit) => visit.state === "queued").length;
    dialog.close();
    if (left) banner(t("logout_not_sent", { count: left }));
    else postLogout();
  }
}

function languageButton() {
  const button = $("#switch-language");
  const other = otherLanguage();
  button.textContent = other === "de" ? "Deutsch" : "English";
  button.lang = other;
  button.title = t("switch_language");
}

function discreet(on) {
  document.documentElement.toggleAttribute("data-theme", on);
  if (on) document.documentElement.setAttribute("data-theme", "discreet");
  $("#discreet").setAttribute("aria-pressed", String(on));
  document.querySelector("meta[name=theme-color]").content = on ? "#101312" : "#0b5f73";
  localStorage.setItem(DISCREET_KEY, on ? "on" : "off");
}

// A new version of the app is installed and waiting: take it at a safe point (the home screen;
// every visit is in IndexedDB), so new pages never run with old scripts and no visit is cut off.
function applyUpdateIfReady() {
  if (!updateWaiting || current !== "home" || syncing) return;
  const worker = updateWaiting;
  updateWaiting = null;
  applyingUpdate = true;
  worker.postMessage({ type: "activate-now" });
}

function watchForUpdates(registration) {
  const waitingFound = (worker) => {
    if (!navigator.serviceWorker.controller) return; // the first install: nothing to replace
    updateWaiting = worker;
    $("#update-ready").hidden = current !== "complete"; // never in the store: nothing moves under the thumb
    applyUpdateIfReady();
  };
  if (registration.waiting) waitingFound(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed") waitingFound(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !applyingUpdate) return; // the first install taking control needs no reload
    reloading = true;
    location.reload();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") registration.update().catch(() => {});
  });
}

function registerReview() {
  initReview();
  registerScreen("review", {
    allowed: (user) => user.can_review,
    open: () => openReview(stores.length ? stores : me?.stores || []),
  });
}

function boot() {
  setLanguage(language(), false);
  languageButton();
  discreet(localStorage.getItem(DISCREET_KEY) === "on");
  onLanguageChange(() => {
    languageButton();
    setConnection(connection);
    if (current === "home") renderHome();
    else if (current === "capture") refreshCapture();
    else if (current === "complete") refreshComplete();
    else registered(current)?.open(null, { me, navigate });
  });
  $("#switch-language").addEventListener("click", () => setLanguage(otherLanguage()));
  $("#discreet").addEventListener("click", () => discreet($("#discreet").getAttribute("aria-pressed") !== "true"));
  $("#log-out").addEventListener("click", logOut);
  $("#logout-dialog").addEventListener("click", onLogoutChoice);
  $("#start-visit").addEventListener("click", startVisit);
  $("#store-select").addEventListener("change", (event) => {
    event.target.dataset.chosen = "1";
    event.target.removeAttribute("aria-invalid");
    $("#store-error").hidden = true;
  });
  $("#share-position").addEventListener("change", (event) => localStorage.setItem(POSITION_KEY, event.target.checked ? "yes" : "no"));
  $("#sync-now").addEventListener("click", () => sync({ force: true }));
  $("#visit-list").addEventListener("click", onListAction);
  $("#open-review").addEventListener("click", () => navigate("#/review"));
  $("#review-home")?.addEventListener("click", () => navigate("#/"));
  initCapture({ leave: (visit) => navigate(`#/complete/${visit.id}`) });
  initComplete({
    home: () => navigate("#/"),
    store: (visit) => navigate(`#/capture/${visit.id}`),
    submitted: () => {
      navigate("#/");
      sync({ force: true });
    },
    discard: async (visit) => {
      await removeVisit(visit.id);
      navigate("#/");
    },
  });
  initPhotos(() => completeVisit());
  registerReview();
  initQuestions();
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => {
    // The connection is back: what waited out a backoff goes now.
    setConnection("online");
    refreshFromServer({ force: true });
  });
  window.addEventListener("offline", () => setConnection("offline"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sync();
  });
  const storageFull = (reason) => {
    if (reason instanceof StorageFull) banner(t("storage_full"));
  };
  window.addEventListener("error", (event) => storageFull(event.error));
  window.addEventListener("unhandledrejection", (event) => storageFull(event.reason));
  onOtherTabChange(() => {
    if (current === "home") renderHome();
  });
  setConnection(connection);
  setStores(stores);
  route();
  startTicking();
  refreshFromServer({ opening: true });
  scheduleSync();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(config().serviceWorker, { scope: config().scope, type: "classic", updateViaCache: "none" })
      .then(watchForUpdates)
      .catch(() => {});
  }
}

applyTo(document);
boot();
