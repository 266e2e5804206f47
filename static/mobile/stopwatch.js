// Running clocks are stored as their start time, so they survive a reload or a closed tab; the
// page only redraws the elements that show one ([data-since]) once a second.

export function secondsSince(iso, now = Date.now()) {
  return Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
}

export function formatSeconds(total) {
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return `${minutes}:${seconds}`;
}

function redraw() {
  const now = Date.now();
  for (const element of document.querySelectorAll("[data-since]")) {
    element.textContent = formatSeconds(secondsSince(element.dataset.since, now));
  }
}

let timer = null;

export function startTicking() {
  if (timer === null) timer = setInterval(redraw, 1000);
  redraw();
}

// Show a running watch (since = ISO start) or a fixed number of seconds.
export function showWatch(element, { since = null, seconds = null }) {
  if (since) {
    element.dataset.since = since;
    element.textContent = formatSeconds(secondsSince(since));
  } else {
    delete element.dataset.since;
    element.textContent = seconds === null || seconds === undefined ? "–:––" : formatSeconds(seconds);
  }
}
