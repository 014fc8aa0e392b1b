// The bell's unread count, read once per page (the notices page itself works without it).
(function () {
  "use strict";
  var badge = document.getElementById("bell-count");
  if (!badge || !window.fetch) { return; }
  fetch(badge.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.unread) { return; }
      badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
      badge.hidden = false;
      badge.setAttribute("aria-label", data.unread + " unread");
    })
    .catch(function () {});
})();
