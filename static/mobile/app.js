// Boot and screens of the mobile form: #/ (my visits), #/visit/<id>, #/summary/<id>, #/review.
import { applyTo, language, onLanguageChange, otherLanguage, setLanguage, t } from "./i18n.js";
import { initForm, openSummary, openVisit, positionArrived, refreshLanguage, setStores } from "./form.js";
import { count as reviewCount, initReview, openReview } from "./review.js";
import {
  forgetMe, getVisit, loadMe, newId, newVisit, onOtherTabChange, pruneSynced, removeVisit, saveMe, saveVisit, StorageFull,
} from "./storage.js";
import { startTicking } from "./stopwatch.js";
import { api, config, LoggedOut, Offline, syncQueue } from "./sync.js";
import { renderVisitList } from "./visits.js";

const $ = (selector) => document.querySelector(selector);
const RETRY_MS = 30000;
const POSITION_KEY = "oasis.sharePosition";

let me = loadMe();
let serverVisits = [];
let screen = "home";
let connection = navigator.onLine ? "online" : "offline";

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
  screen = name;
  for (const section of document.querySelectorAll(".screen")) section.hidden = section.id !== `screen-${name}`;
  window.scrollTo(0, 0);
  const heading = $(`#screen-${name} h1`);
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

function renderHome() {
  const stores = me?.stores || [];
  $("#who").textContent = me ? t("who", { name: me.first_name || me.username, role: t(`role_${me.role}`) }) : "";
  const select = $("#store-select");
  const chosen = select.value || localStorage.getItem("oasis.lastStore");
  select.replaceChildren(...stores.map((store) => new Option(`${store.name} (${store.city})`, store.code)));
  if (stores.some((store) => store.code === chosen)) select.value = chosen;
  const canRecord = Boolean(me && me.can_record_visits && stores.length);
  $("#start-card").hidden = !canRecord;
  $("#no-stores").hidden = canRecord || !me;
  $("#share-position").checked = localStorage.getItem(POSITION_KEY) !== "no";
  $("#review-entry").hidden = !me?.can_review;
  if (me) renderVisitList({ owner: me.username, serverVisits, stores });
}

function route() {
  const [, name, id] = location.hash.match(/^#\/(\w+)(?:\/([\w-]+))?/) || [];
  const visit = id ? getVisit(id) : null;
  if ((name === "visit" || name === "summary") && visit && visit.state === "draft" && visit.owner === me?.username) {
    if (name === "visit") openVisit(visit);
    else openSummary(visit);
    show(name);
  } else if (name === "review" && me?.can_review) {
    show("review");
    openReview(me.stores);
  } else {
    if (location.hash && location.hash !== "#/") history.replaceState(null, "", "#/");
    renderHome();
    show("home");
  }
}

function recordPosition(visit) {
  if (!navigator.geolocation || !$("#share-position").checked) return;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const stored = getVisit(visit.id);
      if (!stored || stored.state !== "draft") return;
      stored.latitude = Number(position.coords.latitude.toFixed(6));
      stored.longitude = Number(position.coords.longitude.toFixed(6));
      stored.location_accuracy_m = Math.round(position.coords.accuracy);
      saveVisit(stored);
      positionArrived(stored);
    },
    () => {}, // declined or unavailable: the visit simply has no position
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}

function startVisit() {
  const select = $("#store-select");
  const store = me.stores.find((item) => item.code === select.value);
  if (!store) return;
  localStorage.setItem("oasis.lastStore", store.code);
  const visit = saveVisit(newVisit({ owner: me.username, store: store.code, storeName: store.name }));
  recordPosition(visit);
  location.hash = `#/visit/${visit.id}`;
}

async function sync() {
  if (!me) return;
  try {
    const answered = await syncQueue(me.username);
    if (answered) {
      setConnection("online");
      pruneSynced(me.username);
    }
    if (!$("#banner").hidden && connection === "online") banner("");
  } catch (failure) {
    if (failure instanceof Offline) setConnection("offline");
    else if (failure instanceof LoggedOut) loggedOut();
    else banner(t("error_server"));
  }
  if (screen === "home") renderHome();
}

async function refreshFromServer({ opening = false } = {}) {
  try {
    const answer = await api("GET", "me/");
    if (answer.status !== 200) return;
    me = answer.body;
    saveMe(me);
    setStores(me.stores);
    setConnection("online");
    await sync();
    const mine = await api("GET", "visits/?mine=true&page_size=30");
    if (mine.status === 200) serverVisits = mine.body.results;
    if (me.can_review) {
      const waiting = await reviewCount();
      $("#review-count").textContent = waiting ? `(${waiting})` : "";
    }
    if (screen === "home") renderHome();
  } catch (failure) {
    if (failure instanceof Offline) setConnection("offline");
    else if (failure instanceof LoggedOut && opening && screen === "home") location.assign(config().login);
    else if (failure instanceof LoggedOut) loggedOut();
  }
}

function onListAction(event) {
  const action = event.target.closest("[data-action]");
  if (!action) return;
  const visit = getVisit(action.dataset.visit);
  if (!visit) return;
  if (action.dataset.action === "continue") {
    location.hash = `#/visit/${visit.id}`;
  } else if (action.dataset.action === "fix") {
    visit.state = "draft";
    saveVisit(visit);
    const onlyVisitFields = Object.keys(visit.server_errors || {}).every((path) => !path.startsWith("interactions["));
    location.hash = `#/${onlyVisitFields ? "summary" : "visit"}/${visit.id}`;
  } else if (action.dataset.action === "resend-new") {
    // The server holds other content under this id: send this content as a visit of its own.
    removeVisit(visit.id);
    saveVisit({ ...visit, id: newId(), state: "queued", server_errors: {} });
    sync();
  } else if (action.dataset.action === "remove" && window.confirm(t("confirm_discard"))) {
    removeVisit(visit.id);
    renderHome();
  }
}

function logOut() {
  forgetMe();
  const form = document.createElement("form");
  form.method = "post";
  form.action = config().logout;
  const token = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  form.append(Object.assign(document.createElement("input"), { type: "hidden", name: "csrfmiddlewaretoken", value: token ? decodeURIComponent(token[1]) : "" }));
  document.body.append(form);
  form.submit();
}

function languageButton() {
  const button = $("#switch-language");
  const other = otherLanguage();
  button.textContent = other === "de" ? "Deutsch" : "English";
  button.lang = other;
  button.title = t("switch_language");
}

function boot() {
  setLanguage(language(), false);
  languageButton();
  onLanguageChange(() => {
    languageButton();
    setConnection(connection);
    if (screen === "home") renderHome();
    else refreshLanguage(screen);
    if (screen === "review") openReview(me?.stores || []);
  });
  $("#switch-language").addEventListener("click", () => setLanguage(otherLanguage()));
  $("#log-out").addEventListener("click", logOut);
  $("#start-visit").addEventListener("click", startVisit);
  $("#share-position").addEventListener("change", (event) => localStorage.setItem(POSITION_KEY, event.target.checked ? "yes" : "no"));
  $("#sync-now").addEventListener("click", sync);
  $("#visit-list").addEventListener("click", onListAction);
  $("#open-review").addEventListener("click", () => { location.hash = "#/review"; });
  $("#review-home").addEventListener("click", () => { location.hash = "#/"; });
  initForm({
    home: () => { location.hash = "#/"; },
    submitted: () => {
      location.hash = "#/";
      sync();
    },
    discard: (visit) => {
      removeVisit(visit.id);
      location.hash = "#/";
    },
  });
  initReview();
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => {
    setConnection("online");
    refreshFromServer();
  });
  window.addEventListener("offline", () => setConnection("offline"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sync();
  });
  window.addEventListener("error", (event) => {
    if (event.error instanceof StorageFull) banner(t("storage_full"));
  });
  window.addEventListener("unhandledrejection", (event) => {
    if (event.reason instanceof StorageFull) banner(t("storage_full"));
  });
  onOtherTabChange(() => {
    if (screen === "home") renderHome();
  });
  setInterval(sync, RETRY_MS);
  setConnection(connection);
  if (me) setStores(me.stores);
  route();
  startTicking();
  refreshFromServer({ opening: true });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config().serviceWorker, { scope: config().scope, type: "classic" }).catch(() => {});
  }
}

applyTo(document);
boot();
