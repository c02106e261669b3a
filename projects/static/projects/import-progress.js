// Refresh the progress bar of a project import until it finishes (CSP: no inline script).
(function () {
  "use strict";
  function poll(bar) {
    fetch(bar.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        var state = bar.parentElement.querySelector(".import-state");
        if (state) { state.textContent = data.state_label; }
        if (data.state === "queued" || data.state === "running") {
          window.setTimeout(function () { poll(bar); }, 1500);
        } else {
          window.location.reload();  // the outcome, and any row with an error, are on the page
        }
      })
      .catch(function () { window.setTimeout(function () { poll(bar); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("progress.import-progress").forEach(function (bar) {
      if (bar.dataset.state === "queued" || bar.dataset.state === "running") { poll(bar); }
    });
  });
})();
