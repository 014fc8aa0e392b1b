// Triage on the desk with the keyboard: j/k move between suggestions, a accepts, d dismisses,
// x selects for a bulk action, ? shows the help. Keys are ignored while typing in a field.
(function () {
  "use strict";
  const cards = () => Array.from(document.querySelectorAll("#suggestions .claim-card[data-claim]"));
  const help = document.getElementById("shortcuts");
  const helpButton = document.getElementById("shortcuts-button");
  let current = -1;

  function focusCard(index) {
    const all = cards();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((card, i) => card.classList.toggle("active-card", i === current));
    all[current].focus();
    all[current].scrollIntoView({ block: "nearest" });
  }

  function toggleHelp() {
    if (!help) return;
    help.hidden = !help.hidden;
    if (helpButton) helpButton.setAttribute("aria-expanded", String(!help.hidden));
  }

  if (helpButton) helpButton.addEventListener("click", toggleHelp);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]") && !target.classList.contains("select-claim")) return;
    const card = cards()[current];
    switch (event.key) {
      case "j": focusCard(current + 1); break;
      case "k": focusCard(current - 1); break;
      case "a": if (card) card.querySelector(".triage-accept").click(); break;
      case "d": if (card) card.querySelector(".triage-dismiss").click(); break;
      case "x": if (card) { const box = card.querySelector(".select-claim"); box.checked = !box.checked; } break;
      case "?": toggleHelp(); break;
      default: return;
    }
    event.preventDefault();
  });
})();
