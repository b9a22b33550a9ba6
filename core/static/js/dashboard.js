/* The dashboard's fieldwork progress: asks every 30 seconds for the figures and shows them again. */
(function () {
  'use strict';
  var box = document.getElementById('dashboard-progress');
  if (!box) return;
  function update() {
    fetch(box.getAttribute('data-url'), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && typeof data.html === 'string') box.innerHTML = data.html;
      })
      .catch(function () { /* offline: try again later */ });
  }
  setInterval(update, 30000);
})();
