// A reviewer's questions about the shopper's own visits, answered on the phone. Answers need a
// connection; a question stays listed until its answer is stored (a repeated answer is harmless).
import { applyTo, formatDateTime, t } from "./i18n.js";
import { api, LoggedOut, Offline } from "./sync.js";

const $ = (selector) => document.querySelector(selector);

function item(question) {
  const node = $("#tpl-question").content.firstElementChild.cloneNode(true);
  node.dataset.questionId = question.id;
  applyTo(node);
  const answerId = `answer-${question.id}`;
  node.querySelector("label").htmlFor = answerId;
  node.querySelector("textarea").id = answerId;
  node.querySelector("[data-role=title]").textContent = `${question.store_name} · ${formatDateTime(question.visit_started_at)}`;
  node.querySelector("[data-role=question]").textContent = question.question;
  return node;
}

export async function refreshQuestions() {
  const section = $("#questions");
  if (!section) return;
  try {
    const { status, body } = await api("GET", "questions/");
    const questions = status === 200 ? body : [];
    $("#question-list").replaceChildren(...questions.map(item));
    section.hidden = !questions.length;
  } catch (failure) {
    if (!(failure instanceof Offline)) throw failure;
  }
}

async function answer(node) {
  const text = node.querySelector("textarea").value.trim();
  const status = node.querySelector("[data-role=status]");
  if (!text) {
    status.textContent = t("answer_needed");
    return;
  }
  try {
    const reply = await api("POST", `questions/${node.dataset.questionId}/answer/`, { answer: text });
    if (reply.status === 200) {
      node.remove();
      $("#questions").hidden = !$("#question-list").children.length;
      $("#questions-status").textContent = t("answer_sent");
    } else {
      status.textContent = (reply.body && (reply.body.answer || reply.body.detail)) || t("error_server");
    }
  } catch (failure) {
    status.textContent = failure instanceof LoggedOut ? t("logged_out") : t(failure instanceof Offline ? "answer_offline" : "error_server");
  }
}

export function initQuestions() {
  const list = $("#question-list");
  if (!list) return;
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action=answer]");
    if (button) answer(button.closest("li[data-question-id]"));
  });
}
