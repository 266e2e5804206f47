// Discreet mode: a dark, low-contrast theme remembered on this phone. A classic script in <head>
// so the page never flashes bright before the modules run.
(function () {
  var on = false;
  try { on = localStorage.getItem("oasis.discreet") === "on"; } catch (error) { on = false; }
  if (on) document.documentElement.setAttribute("data-theme", "discreet");
})();
