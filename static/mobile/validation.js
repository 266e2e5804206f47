// The server's rules (observations/validation.py and the API serializer), checked on the phone
// first so that most mistakes show next to their field before anything is sent. Each error is
// keyed by the same path the API uses: "interactions[2].greeting_seconds".
import { t } from "./i18n.js";

export const MAX_SECONDS = 3600;
export const MAX_INTERACTIONS = 50;
export const MAX_NOTES = 5000;
const MAX_APPROACHES = 1000;
const MAX_FUTURE_MS = 5 * 60 * 1000;
const MAX_AGE_MS = 60 * 24 * 3600 * 1000;

const isInt = (value) => Number.isInteger(value);

function interactionErrors(item, prefix) {
  const errors = {};
  const put = (field, key) => {
    errors[`${prefix}.${field}`] = t(key);
  };
  if (item.greeted) {
    if (item.greeting_seconds === null || item.greeting_seconds === undefined) put("greeting_seconds", "err_greeting_seconds_required");
  } else {
    if (item.greeting_seconds !== null && item.greeting_seconds !== undefined) put("greeting_seconds", "err_greeting_seconds_null");
    if (item.greeting_personal) put("greeting_personal", "err_greeting_personal_null");
  }
  if (item.asked) {
    if (item.response_seconds === null || item.response_seconds === undefined) put("response_seconds", "err_response_seconds_required");
    if (item.response_quality === null || item.response_quality === undefined) put("response_quality", "err_response_quality_required");
  } else {
    if (item.response_seconds !== null && item.response_seconds !== undefined) put("response_seconds", "err_asked_null");
    if (item.response_quality !== null && item.response_quality !== undefined) put("response_quality", "err_asked_null");
  }
  for (const field of ["greeting_seconds", "response_seconds"]) {
    const value = item[field];
    if (value !== null && value !== undefined && (!isInt(value) || value < 0 || value > MAX_SECONDS)) put(field, "err_seconds_range");
  }
  if (item.smile === null || item.smile === undefined) put("smile", "err_smile_required");
  else if (!isInt(item.smile) || item.smile < 1 || item.smile > 5) put("smile", "err_scale_range");
  const quality = item.response_quality;
  if (quality !== null && quality !== undefined && (!isInt(quality) || quality < 1 || quality > 5)) put("response_quality", "err_scale_range");
  const approaches = item.unsolicited_approaches;
  if (!isInt(approaches) || approaches < 0 || approaches > MAX_APPROACHES) put("unsolicited_approaches", "err_approaches");
  if ((item.notes || "").length > MAX_NOTES) put("notes", "err_notes_long");
  return errors;
}

// All errors of a visit as {path: message}; empty when the server should accept it.
// `finished` false checks a draft, whose end time is not set yet.
export function visitErrors(visit, { now = Date.now(), finished = true } = {}) {
  const errors = {};
  if (!visit.store) errors.store = t("err_store_required");
  const started = Date.parse(visit.started_at);
  if (Number.isNaN(started)) errors.started_at = t("err_datetime");
  else if (started > now + MAX_FUTURE_MS) errors.started_at = t("err_started_future");
  else if (started < now - MAX_AGE_MS) errors.started_at = t("err_started_old");
  if (finished) {
    const ended = Date.parse(visit.ended_at);
    if (Number.isNaN(ended)) errors.ended_at = t("err_datetime");
    else if (!Number.isNaN(started) && ended < started) errors.ended_at = t("err_ended_before");
    else if (ended > now + MAX_FUTURE_MS) errors.ended_at = t("err_ended_future");
  }
  if ((visit.notes || "").length > MAX_NOTES) errors.notes = t("err_notes_long");
  if (visit.interactions.length < 1 || visit.interactions.length > MAX_INTERACTIONS) {
    errors.interactions = t("err_interactions_count");
  }
  if ((visit.latitude === null) !== (visit.longitude === null)) errors.latitude = t("err_position");
  visit.interactions.forEach((item, index) => Object.assign(errors, interactionErrors(item, `interactions[${index}]`)));
  return errors;
}

// "interactions[2].greeting_seconds" -> {index: 2, field: "greeting_seconds"}; visit fields -> {index: null, field}.
export function parsePath(path) {
  const match = /^interactions\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (match) return { index: Number(match[1]), field: match[2] || null };
  return { index: null, field: path };
}
