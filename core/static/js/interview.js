/* The interview page: skip rules and checks as the server applies them (SipasExpressions), and
   answers that survive a dropped line: each change is kept in localStorage until the server has it,
   sent again when the network returns, and the page says what is saved and what waits. */
(function () {
  'use strict';
  var form = document.getElementById('questionnaire');
  if (!form || !window.SipasExpressions) return;
  var E = window.SipasExpressions;
  var key = 'sipas-answers-' + form.getAttribute('data-interview');
  var url = form.getAttribute('data-save-url');  /* none on a preview: the rules only, nothing saved */
  var token = form.querySelector('input[name=csrf_token]');
  var csrf = token ? token.value : '';
  var state = document.querySelector('[data-testid=save-state]');
  var pending = read();
  var sending = null;
  var submitting = false;
  var parsed = {};

  function read() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function keep() {
    try { localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* full: the page still sends */ }
  }
  function expr(text) {
    if (!(text in parsed)) {
      try { parsed[text] = E.parse(text); } catch (e) { parsed[text] = null; }
    }
    return parsed[text];
  }
  function questions() { return form.querySelectorAll('.question'); }
  function valueOf(q) {
    var kind = q.getAttribute('data-kind');
    if (kind === 'note') return undefined;
    if (kind === 'select_one') {
      var on = q.querySelector('input:checked');
      return on ? on.value : '';
    }
    if (kind === 'select_multiple') {
      return Array.prototype.map.call(q.querySelectorAll('input:checked'), function (i) { return i.value; }).join(' ');
    }
    var input = q.querySelector('input, textarea');
    return input ? input.value.trim() : '';
  }
  function typed(q, value) {
    var kind = q.getAttribute('data-kind');
    if ((kind === 'integer' || kind === 'decimal') && value !== '' && !isNaN(Number(value))) return Number(value);
    return value;
  }
  function setValue(q, value) {
    var kind = q.getAttribute('data-kind');
    if (kind === 'select_one' || kind === 'select_multiple') {
      var chosen = String(value).split(' ');
      q.querySelectorAll('input').forEach(function (i) { i.checked = chosen.indexOf(i.value) >= 0; });
    } else {
      var input = q.querySelector('input, textarea');
      if (input) input.value = value;
    }
  }
  function hidden(el) {
    for (var node = el; node && node !== form; node = node.parentElement) if (node.hidden) return true;
    return false;
  }
  /* Skip rules in form order: a question that is not asked has no answer for those after it. */
  /* answers given on earlier pages, which this page's rules may name (the respondent's pages) */
  var earlier = {};
  try { earlier = JSON.parse(form.getAttribute('data-answers') || '{}') || {}; } catch (e) { earlier = {}; }
  function apply() {
    var answers = JSON.parse(JSON.stringify(earlier));
    form.querySelectorAll('[data-name]').forEach(function (el) {
      var rule = el.getAttribute('data-relevant');
      var parsedRule = rule ? expr(rule) : null;
      el.hidden = !!(rule && parsedRule && !E.evaluate(parsedRule, answers));
      if (el.classList.contains('question') && !hidden(el)) {
        var v = valueOf(el);
        if (v !== undefined && v !== '') answers[el.getAttribute('data-name')] = typed(el, v);
      }
    });
    return answers;
  }
  function check(q, answers) {
    var box = q.querySelector('.question-error');
    if (!box) return true;
    var name = q.getAttribute('data-name');
    var rule = q.getAttribute('data-constraint');
    var ok = true;
    if (rule && name in answers && expr(rule)) ok = E.evaluate(expr(rule), answers, answers[name]);
    box.textContent = ok ? '' : (q.getAttribute('data-message') || box.getAttribute('data-default') || '✗');
    return ok;
  }
  function show() {
    if (!state) return;
    var n = Object.keys(pending).length;
    if (!n) state.textContent = state.getAttribute('data-saved');
    else if (sending && navigator.onLine !== false) state.textContent = state.getAttribute('data-sending');
    else state.textContent = state.getAttribute('data-waiting').replace('%(n)s', n);
    state.className = 'sticky-top py-1 small ' + (n ? 'bg-warning' : 'bg-light');
  }
  function flush() {
    if (sending || !Object.keys(pending).length) { show(); return sending; }
    var batch = JSON.parse(JSON.stringify(pending));
    var arrived = false;
    sending = fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify({ answers: batch }),
    }).then(function (response) {
      if (response.status === 403) { pending = {}; keep(); location.reload(); return; }
      if (!response.ok) throw new Error(String(response.status));
      /* only the server's own reply says it has them (not a Wi-Fi sign-in page, not the login page) */
      return response.json().then(function (body) {
        if (!body || typeof body.saved !== 'object') throw new Error('not the server');
        Object.keys(batch).forEach(function (name) { if (pending[name] === batch[name]) delete pending[name]; });
        keep();
        arrived = true;
      });
    }).catch(function () { /* offline or a timeout: kept, sent again later */ })
      .then(function () {
        sending = null;
        var left = Object.keys(pending).length;
        if (arrived && left) { flush(); return; }  /* answered while this one was on its way */
        show();
        if (submitting && !left) form.submit();
      });
    show();
    return sending;
  }
  function asked() {
    var out = {};
    questions().forEach(function (q) { if (!hidden(q)) out[q.getAttribute('data-name')] = true; });
    return out;
  }
  function changed(event) {
    var q = event.target.closest('.question');
    if (!q) return;
    var before = asked();
    var answers = apply();
    check(q, answers);
    if (!url) return;
    pending[q.getAttribute('data-name')] = valueOf(q);
    /* asked again (a skip rule's answer put right): the answer still shown, dropped by the server, goes back */
    questions().forEach(function (other) {
      var name = other.getAttribute('data-name'), v = valueOf(other);
      if (!before[name] && !hidden(other) && v !== undefined && v !== '') pending[name] = v;
    });
    keep();
    clearTimeout(changed.timer);
    changed.timer = setTimeout(flush, 500);
    show();
  }
  if (!url) pending = {};
  Object.keys(pending).forEach(function (name) {  /* answers of an earlier visit the server never got */
    var q = form.querySelector('.question[data-name="' + name + '"]');
    if (q) setValue(q, pending[name]);
  });
  apply();
  form.addEventListener('change', changed);
  form.addEventListener('input', function (event) { if (event.target.tagName === 'TEXTAREA') changed(event); });
  form.addEventListener('submit', function (event) {
    if (event.submitter && event.submitter.hasAttribute('formnovalidate')) return;  /* back, decline */
    var answers = apply();
    var ok = true;
    questions().forEach(function (q) { if (!hidden(q)) ok = check(q, answers) && ok; });
    if (!ok) { event.preventDefault(); return; }
    if (Object.keys(pending).length) {  /* send what waits first; submit once the server has it */
      event.preventDefault();
      submitting = true;
      flush();
    }
  });
  if (!url) return;
  window.addEventListener('online', flush);
  setInterval(flush, 15000);
  flush();
})();
