/* What the pages used to write inline (the Content-Security-Policy refuses inline script, handlers and
   style attributes), declared by data attributes instead:
   - data-autosubmit on a select or input: a change submits its form (period and filter selects);
   - data-confirm="question" on a form (on submit) or a button (on click): asks first;
   - data-print on a button: prints the page;
   - data-check-all="selector" on a checkbox: checks or clears every box the selector finds;
   - data-enables="id" on a checkbox: the element with that id is enabled only while it is checked;
   - data-width="percent" on an element: its width (progress bars);
   - data-status-url on a progress bar: polls the job's status (JSON: status, progress) every second
     and reloads the page when the work ends;
   - data-fa-action="name" on a link of Flask-Admin's "with selected" menu: runs that action;
   - a link to "javascript:…" (Flask-Admin's menus) never navigates: its own handlers do the work. */
(function () {
  'use strict';
  var RUNNING = ['queued', 'running', 'started', 'deferred', 'scheduled'];

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="javascript:"]');
    if (link) event.preventDefault();
  }, true);

  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el.hasAttribute('data-autosubmit') && el.form) el.form.submit();
    if (el.hasAttribute('data-check-all')) {
      document.querySelectorAll(el.getAttribute('data-check-all')).forEach(function (box) { box.checked = el.checked; });
    }
    if (el.hasAttribute('data-enables')) {
      var target = document.getElementById(el.getAttribute('data-enables'));
      if (target) target.disabled = !el.checked;
    }
  });

  document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener('click', function (event) {
    var el = event.target.closest ? event.target.closest('[data-print],[data-fa-action],button[data-confirm]') : null;
    if (!el) return;
    if (el.hasAttribute('data-print')) {
      window.print();
    } else if (el.hasAttribute('data-fa-action')) {
      event.preventDefault();
      if (window.modelActions) window.modelActions.execute(el.getAttribute('data-fa-action'));
    } else if (!window.confirm(el.getAttribute('data-confirm'))) {
      event.preventDefault();
    }
  });

  function widths(root) {
    root.querySelectorAll('[data-width]').forEach(function (el) { el.style.width = el.getAttribute('data-width') + '%'; });
  }

  function poll(bar) {
    fetch(bar.getAttribute('data-status-url'), { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.style.width = s.progress + '%';
        bar.textContent = Math.round(s.progress) + '%';
        if (RUNNING.indexOf(s.status) >= 0) { setTimeout(function () { poll(bar); }, 1000); } else { location.reload(); }
      })
      .catch(function () { setTimeout(function () { poll(bar); }, 3000); });
  }

  function start() {
    widths(document);
    document.querySelectorAll('[data-status-url]').forEach(poll);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
