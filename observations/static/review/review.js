// The review queue's bulk approval: nothing happens without ticks, and approving asks first,
// saying how many visits and what follows (they count in reports, their notes reach managers).
const form = document.getElementById("bulk-form");
if (form) {
  const message = document.getElementById("bulk-message");
  const ticked = () => document.querySelectorAll('input[type=checkbox][name=visit][form=bulk-form]:checked').length;
  form.addEventListener("submit", (event) => {
    const n = ticked();
    if (n === 0) {
      event.preventDefault();
      message.textContent = form.dataset.none;
      message.hidden = false;
      message.tabIndex = -1;
      message.focus();
      return;
    }
    const text = n === 1 ? form.dataset.confirmOne : form.dataset.confirmMany.replace("{n}", String(n));
    if (!window.confirm(text)) event.preventDefault();
  });
}
