/* The back office's alert badge: asks every 30 seconds how many alerts nobody has acknowledged. */
(function () {
  'use strict';
  var badge = document.getElementById('alert-badge');
  if (!badge) return;
  function update() {
    fetch(badge.getAttribute('data-url'), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        badge.textContent = data.new;
        badge.hidden = !data.new;
      })
      .catch(function () { /* offline: try again later */ });
  }
  update();
  setInterval(update, 30000);
})();
