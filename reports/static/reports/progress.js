// Refresh the progress bars of report runs until they finish (CSP: no inline script).
(function () {
  "use strict";
  function poll(bar) {
    fetch(bar.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        var state = bar.parentElement.querySelector(".report-state");
        if (state) { state.textContent = data.state_label; }
        if (data.state === "queued" || data.state === "running") {
          window.setTimeout(function () { poll(bar); }, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(function () { poll(bar); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("progress.report-progress").forEach(function (bar) {
      if (bar.dataset.state === "queued" || bar.dataset.state === "running") { poll(bar); }
    });
  });
})();
