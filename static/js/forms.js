// Forms tell you what went wrong where you are: after a refused submission the page opens on its
// error summary (focused, read out), each entry a link to its field. Consequential actions carry
// data-confirm with their consequences and ask before they are sent.
const summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
  summary.scrollIntoView({ block: "start" });
  for (const link of summary.querySelectorAll("a[href^='#']")) {
    link.addEventListener("click", (event) => {
      const field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }
}
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
