/* The kiosk's idle reset: back to the code page after data-idle seconds without a touch or a key. */
(function () {
  'use strict';
  var script = document.getElementById('kiosk-script');
  if (!script) return;
  var idle = (parseInt(script.getAttribute('data-idle'), 10) || 180) * 1000;
  var reset = script.getAttribute('data-reset');
  var timer = null;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { location.href = reset; }, idle);
  }
  ['click', 'keydown', 'touchstart', 'input', 'scroll'].forEach(function (name) {
    document.addEventListener(name, arm, { passive: true });
  });
  arm();
})();
