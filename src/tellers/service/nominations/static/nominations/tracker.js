// Re-read the tracker's body every data-every seconds (a minute unless set); without this script the page is the same, and
// its Refresh link does the job.
(function () {
  "use strict";
  var box = document.getElementById("tracker");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-fragment");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null) { box.innerHTML = html; }
    }).catch(function () {});
  }
  var every = parseInt(box.getAttribute("data-every"), 10) || 60;
  window.setInterval(refresh, every * 1000);
}());
