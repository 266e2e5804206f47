// The user form shows the scope the chosen role uses: stores for shoppers and managers,
// regions for supervisors, neither for head office. The server checks the same rule.
"use strict";
(function () {
  const scopeOfRole = { shopper: "stores", manager: "stores", supervisor: "regions", head_office: null };
  function update() {
    const role = document.getElementById("id_role");
    if (!role) return;
    const scope = scopeOfRole[role.value];
    for (const name of ["stores", "regions"]) {
      const row = document.querySelector(".field-" + name);
      if (!row) continue;
      // A scope that still has choices stays visible, so that the server's objection can be seen.
      const chosen = row.querySelector('select[name="' + name + '"]');
      row.hidden = scope !== name && !(chosen && chosen.options.length && chosen.selectedOptions.length);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    const role = document.getElementById("id_role");
    if (role) {
      role.addEventListener("change", update);
      update();
    }
  });
})();
