// The server's rules (observations/validation.py and the API serializer), checked on the phone
// first so that most mistakes show next to their field before anything is sent. The limits come
// from the page's configuration (the server's own values), never copied into this script.
// Each error is keyed by the path the API uses: "interactions[2].greeting_seconds".
import { t } from "./i18n.js";
import { byteLength, payload } from "./visit.js";

export const LIMITS = JSON.parse(document.getElementById("oasis-config").textContent).limits;
// Seconds that are allowed but worth a second look before sending.
const UNUSUAL_SECONDS = 600;

const isInt = (value) => Number.isInteger(value);
const given = (value) => value !== null && value !== undefined;

function interactionErrors(item, prefix) {
  const errors = {};
  const put = (field, key, params = {}) => {
    errors[`${prefix}.${field}`] = t(key, params);
  };
  const range = { max: LIMITS.maxSeconds };
  if (item.greeted) {
    if (!given(item.greeting_seconds)) put("greeting_seconds", "err_greeting_seconds_required");
  } else if (item.greeting_personal) {
    put("greeting_personal", "err_greeting_personal_null");
  }
  if (item.asked) {
    if (!given(item.response_seconds)) put("response_seconds", "err_response_seconds_required");
    if (!given(item.response_quality)) put("response_quality", "err_response_quality_required");
  }
  for (const field of ["greeting_seconds", "response_seconds"]) {
    const value = item[field];
    if (given(value) && (!isInt(value) || value < 0 || value > LIMITS.maxSeconds)) put(field, "err_seconds_range", range);
  }
  if (!given(item.smile)) put("smile", "err_smile_required");
  else if (!isInt(item.smile) || item.smile < 1 || item.smile > 5) put("smile", "err_scale_range");
  const quality = item.response_quality;
  if (given(quality) && (!isInt(quality) || quality < 1 || quality > 5)) put("response_quality", "err_scale_range");
  const approaches = item.unsolicited_approaches;
  if (!isInt(approaches) || approaches < 0 || approaches > LIMITS.maxApproaches) {
    put("unsolicited_approaches", "err_approaches", { max: LIMITS.maxApproaches });
  }
  if ((item.notes || "").length > LIMITS.maxNotes) put("notes", "err_notes_long", { max: LIMITS.maxNotes });
  return errors;
}

// All errors of a visit as {path: message}; empty when the server should accept it.
export function visitErrors(visit, { now = Date.now() } = {}) {
  const errors = {};
  if (!visit.store) errors.store = t("err_store_required");
  const started = Date.parse(visit.started_at);
  if (Number.isNaN(started)) errors.started_at = t("err_datetime");
  else if (started > now + LIMITS.maxFutureMs) errors.started_at = t("err_started_future");
  else if (started < now - LIMITS.maxAgeMs) errors.started_at = t("err_started_old");
  const ended = Date.parse(visit.ended_at);
  if (Number.isNaN(ended)) errors.ended_at = t("err_datetime");
  else if (!Number.isNaN(started) && ended < started) errors.ended_at = t("err_ended_before");
  else if (ended > now + LIMITS.maxFutureMs) errors.ended_at = t("err_ended_future");
  if ((visit.notes || "").length > LIMITS.maxNotes) errors.notes = t("err_notes_long", { max: LIMITS.maxNotes });
  if (visit.interactions.length < 1 || visit.interactions.length > LIMITS.maxInteractions) {
    errors.interactions = t("err_interactions_count", { max: LIMITS.maxInteractions });
  }
  if ((visit.latitude === null) !== (visit.longitude === null)) errors.latitude = t("err_position");
  visit.interactions.forEach((item, index) => Object.assign(errors, interactionErrors(item, `interactions[${index}]`)));
  if (!Object.keys(errors).length && byteLength([payload(visit)]) > LIMITS.maxBodyBytes) {
    errors.notes = t("err_too_large", { kb: Math.floor(LIMITS.maxBodyBytes / 1024) });
  }
  return errors;
}

// Values the server accepts but a reviewer would question: asked about before sending.
export function visitWarnings(visit) {
  const warnings = [];
  const minutes = (Date.parse(visit.ended_at) - Date.parse(visit.started_at)) / 60000;
  visit.interactions.forEach((item, index) => {
    for (const [field, key] of [["greeting_seconds", "warn_greeting_long"], ["response_seconds", "warn_response_long"]]) {
      const value = item[field];
      if (given(value) && (value > UNUSUAL_SECONDS || (minutes >= 1 && value > minutes * 60))) {
        warnings.push(t(key, { n: index + 1, minutes: Math.floor(value / 60), seconds: String(value % 60).padStart(2, "0") }));
      }
    }
  });
  return warnings;
}

// "interactions[2].greeting_seconds" -> {index: 2, field: "greeting_seconds"}; visit fields -> {index: null, field}.
export function parsePath(path) {
  const match = /^interactions\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (match) return { index: Number(match[1]), field: match[2] || null };
  return { index: null, field: path };
}
